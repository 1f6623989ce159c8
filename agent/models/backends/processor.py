"""Loading a Qwen-VL processor with or without torchvision.

With torchvision the stock `AutoProcessor` works. Without it, transformers either raises (the
video processor needs torchvision) or silently hands back only the tokenizer; then we build an
image-only processor by hand: the checkpoint's tokenizer, the PIL image processor, and the
processor class the families name for the architecture (Family.architectures), minus its video
processor.
"""

from __future__ import annotations

from functools import lru_cache

from ..families import architecture


@lru_cache(maxsize=None)
def image_only(base: type) -> type:
    """`base` (a Qwen-VL processor class) with no video processor, so it needs no torchvision."""

    class ImageOnlyProcessor(base):
        def __init__(self, image_processor=None, tokenizer=None, chat_template=None, **kwargs):
            # The parent passes video_processor=None along; our signature has no such attribute.
            super().__init__(image_processor, tokenizer, None, chat_template=chat_template, **kwargs)

    ImageOnlyProcessor.__name__ = f"{base.__name__}ImageOnly"
    return ImageOnlyProcessor


def _chat_template(path: str, tokenizer, load_kwargs: dict) -> str | None:
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.chat_template
    import json

    from transformers.utils import cached_file

    for name in ("chat_template.jinja", "chat_template.json"):
        try:
            found = cached_file(path, name, _raise_exceptions_for_missing_entries=False, **load_kwargs)
        except OSError:
            found = None
        if found:
            text = open(found, encoding="utf-8").read()
            return json.loads(text)["chat_template"] if name.endswith(".json") else text
    return None


def load_processor(path: str, model_type: str, **load_kwargs):
    """The processor for a checkpoint: stock if it has an image processor, else built image-only.

    Returns (processor, how) with how = "auto" or "image-only".
    """
    import transformers

    try:
        processor = transformers.AutoProcessor.from_pretrained(path, **load_kwargs)
        if hasattr(processor, "image_processor") and hasattr(processor, "tokenizer"):
            return processor, "auto"
    except (ImportError, ValueError, OSError, TypeError):
        pass  # typically: the video processor wants torchvision
    arch = architecture(model_type)
    if arch is None:
        raise ValueError(f"no image-only processor for model_type {model_type!r}; install torchvision")
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, **load_kwargs)
    image_processor = getattr(transformers, arch.image_processor_class).from_pretrained(path, **load_kwargs)
    cls = image_only(getattr(transformers, arch.processor_class))
    template = _chat_template(path, tokenizer, load_kwargs)
    return cls(image_processor=image_processor, tokenizer=tokenizer, chat_template=template), "image-only"
