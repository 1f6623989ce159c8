"""Stand-ins for what the tests cannot have, each speaking the real protocol to our real code:

    fake_adb/         an ADB server on loopback with fake phones behind it
    openai_server.py  an OpenAI-compatible chat-completions server answering scripted replies
    tiny_qwen.py      tiny random-weight Qwen-VL checkpoints built on disk
"""
