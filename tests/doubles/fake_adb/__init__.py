"""A fake ADB server and the phones behind it, for the Android tests (no device, no adb binary).

    server.py    the ADB host protocol on loopback: FakeAdbServer, adb_env
    phone.py     one phone's state and the frames it serves: FakePhone, App
    commands.py  what the phone's tools (am, pm, settings, dumpsys, ...) do
    input.py     the `input` tool: taps, swipes, keys, `input text`
    shell.py     a tiny sh reader, so the fake records what a command said
    sync.py      the `sync:` protocol (adb push / pull)
"""

from .phone import App, FakePhone
from .server import FakeAdbServer, adb_env

__all__ = ["App", "FakeAdbServer", "FakePhone", "adb_env"]
