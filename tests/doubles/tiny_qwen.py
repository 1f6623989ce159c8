"""Build tiny random-weight Qwen-VL checkpoints on disk, as a hub download would leave them.

No weights can be downloaded in tests, so each checkpoint is made from a config: a byte-level
BPE tokenizer trained here with the Qwen special tokens and a Qwen-style chat template, a model
of about 200k parameters, and the image processor's config. Loading one goes through the same
code as a real checkpoint. The replies are garbage: random weights.
"""

from __future__ import annotations

from pathlib import Path

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
           "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
           "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"]
# Written here for the tiny tokenizer; it renders messages the way the Qwen-VL templates do.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for part in message['content'] %}{% if part['type'] == 'image' %}"
    "<|vision_start|><|image_pad|><|vision_end|>{% elif part['type'] == 'text' %}{{ part['text'] }}"
    "{% endif %}{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
CORPUS = [
    "Thought: click the OK button. Action: click(start_box='(120,45)')",
    '<tool_call>\n{"name": "computer_use", "arguments": {"action": "left_click", "coordinate": [512, 384]}}\n</tool_call>',
    "You are a helpful assistant. The user query: open the settings. Task progress: Step 1: ",
    "type(content='hello world') hotkey(key='ctrl c') scroll(direction='down') finished()",
    "0123456789 (x1,y1),(x2,y2) <point>10 20</point> 点击确定按钮 打开设置",
] * 20

ARCHES = {
    "qwen2_vl": ("Qwen2VLConfig", "Qwen2VLForConditionalGeneration", 14),
    "qwen2_5_vl": ("Qwen2_5_VLConfig", "Qwen2_5_VLForConditionalGeneration", 14),
    "qwen3_vl": ("Qwen3VLConfig", "Qwen3VLForConditionalGeneration", 16),
}

FAMILY_CASES = [("qwen2_vl", "qwen2-vl"), ("qwen2_5_vl", "qwen2.5-vl"), ("qwen3_vl", "qwen3-vl"),
                ("qwen2_vl", "ui-tars"), ("qwen2_5_vl", "ui-tars-1.5")]
"""(architecture, family) for each of the five families: UI-TARS runs on Qwen2-VL, UI-TARS-1.5 on Qwen2.5-VL."""


def build_tokenizer():
    """A byte-level BPE tokenizer with the Qwen special tokens, as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   additional_special_tokens=SPECIAL[1:])
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build(out: str | Path, arch: str = "qwen2_5_vl", name_hint: str = "", *, hidden_size: int = 64,
          max_positions: int = 4096) -> Path:
    """Write a tiny checkpoint of `arch` (qwen2_vl, qwen2_5_vl, qwen3_vl) under `out`; return its path.

    `name_hint` is appended to the folder name (e.g. "UI-TARS-1.5") so family detection by name
    can be exercised. The text model has 4 heads of `hidden_size / 4`: vLLM's CPU attention needs
    head_dim 32, 64, ... (hidden_size 128, see tests/doubles/vllm_server.py), and its
    --max-model-len may not exceed `max_positions`.
    """
    import json

    import torch
    import transformers

    config_cls, model_cls, patch = ARCHES[arch]
    path = Path(out) / (f"tiny-{arch}" + (f"-{name_hint}" if name_hint else ""))
    tok = build_tokenizer()
    ids = {t: tok.convert_tokens_to_ids(t) for t in SPECIAL}
    head_dim = hidden_size // 4
    text = dict(vocab_size=len(tok), hidden_size=hidden_size, intermediate_size=2 * hidden_size, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=max_positions,
                bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"],
                pad_token_id=ids["<|endoftext|>"])
    # mrope_section must sum to head_dim / 2 (64 / 4 heads = 16 -> 8: [2, 3, 3]).
    eighth = head_dim // 16
    rope = {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2 * eighth, 3 * eighth, 3 * eighth]}
    if arch == "qwen3_vl":
        text.update(head_dim=head_dim, rope_parameters={**rope, "mrope_interleaved": True})
        vision = dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=patch,
                      out_hidden_size=hidden_size, num_position_embeddings=64, deepstack_visual_indexes=[1])
    elif arch == "qwen2_5_vl":
        text.update(rope_parameters=rope)
        vision = dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=patch,
                      out_hidden_size=hidden_size, window_size=112, fullatt_block_indexes=[1])
    else:
        text.update(rope_parameters=rope)
        vision = dict(depth=2, embed_dim=32, hidden_size=hidden_size, num_heads=2, patch_size=patch)
    config = getattr(transformers, config_cls)(
        text_config=text, vision_config=vision, image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"], vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"], tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = getattr(transformers, model_cls)(config).eval()
    model.generation_config.eos_token_id = ids["<|im_end|>"]
    model.generation_config.pad_token_id = ids["<|endoftext|>"]
    model.save_pretrained(path)
    tok.save_pretrained(path)
    (path / "chat_template.jinja").write_text(CHAT_TEMPLATE)
    (path / "preprocessor_config.json").write_text(json.dumps({
        "image_processor_type": "Qwen2VLImageProcessor", "patch_size": patch, "merge_size": 2,
        "temporal_patch_size": 2, "size": {"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280},
        "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
        "processor_class": {"qwen2_vl": "Qwen2VLProcessor", "qwen2_5_vl": "Qwen2_5_VLProcessor",
                            "qwen3_vl": "Qwen3VLProcessor"}[arch],
    }))
    return path
