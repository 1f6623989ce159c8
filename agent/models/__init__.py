"""Qwen-VL model policies: every family exact, run locally (transformers) or over HTTP (openai).

Light to import: torch, transformers and httpx load only when a backend is built.

    policy = build_policy("Qwen/Qwen2.5-VL-7B-Instruct")                      # transformers
    policy = build_policy("ui-tars-1.5-7b", backend="openai", base_url="http://localhost:8000/v1")
    decision = policy.decide(instruction, screenshot, history)               # screen pixels
"""

from __future__ import annotations

from typing import Any

from .families import FAMILIES, FAMILY_NAMES, Family, get_family

def build_policy(model: str, *, backend: str = "transformers", family: str | None = None,
                 base_url: str | None = None, api_key: str | None = None, min_pixels: int | None = None,
                 max_pixels: int | None = None, history_images: int | None = None, platform: str = "desktop",
                 max_new_tokens: int = 1024, language: str = "English", resampler: str = "auto",
                 **backend_options: Any):
    """A ModelPolicy for `model` (hub id, local folder, or the served model's name for openai).

    The family is detected from the checkpoint's model_type and name hints unless given;
    `history_images` defaults to the family's window; `resampler` ("auto", "pil", "vips") is
    whose bicubic makes the model's image (PolicyConfig.resampler).
    `backend_options` are TransformersOptions fields (dtype, device_map, attn_implementation,
    quantization, ...) or OpenAIOptions fields (timeout_s, retries, backoff_s, image_format, ...).
    Raises ValueError for bad options or an undetectable family, BackendError when the model
    cannot be loaded.
    """
    from .backends import make_backend
    from .detect import detect_family, local_model_type
    from .model_policy import ModelPolicy, PolicyConfig

    platform = {"mobile": "android", "phone": "android"}.get(platform, platform)
    if family is not None:
        family = get_family(family).name
    options = {k: v for k, v in backend_options.items() if v is not None}
    if backend != "openai" and (base_url or api_key):
        raise ValueError("--base-url and --api-key are for --backend openai")
    if backend == "openai":
        if base_url:
            options["base_url"] = base_url
        if api_key:
            options["api_key"] = api_key
        from .backends.openai_compat import OpenAIOptions  # light: httpx is imported when it is built

        unknown = set(options) - set(OpenAIOptions.model_fields)
        if unknown:
            raise ValueError(f"options not understood by the openai backend: {', '.join(sorted(unknown))}")
        # Check the family before any connection: a wrong name should fail fast.
        family = family or detect_family(model, local_model_type(model))
    the_backend = make_backend(backend, model, options)
    family = family or detect_family(model, getattr(the_backend, "model_type", None))
    config = PolicyConfig(family=family, platform=platform, min_pixels=min_pixels, max_pixels=max_pixels,
                          history_images=history_images, max_new_tokens=max_new_tokens, language=language,
                          resampler=resampler)
    return ModelPolicy(the_backend, config)


__all__ = ["FAMILIES", "FAMILY_NAMES", "Family", "build_policy", "get_family"]
