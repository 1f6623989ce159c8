"""Telling a checkpoint's family from its config `model_type` and hints in its name.

Each family says how it is recognised (Family.detect, agent/models/families/); this module
reads a local checkpoint's model_type and turns "nobody recognises it" into an actionable error.
"""

from __future__ import annotations

import json
from pathlib import Path

from .families import FAMILY_NAMES, detect


def local_model_type(model: str) -> str | None:
    """`model_type` from a local checkpoint folder's config.json, if `model` is one."""
    config = Path(model) / "config.json"
    try:
        return json.loads(config.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError):
        return None


def detect_family(model: str, model_type: str | None = None) -> str:
    """The family name of `model` (a hub id, a path or a served name) whose config says
    `model_type` (None: unknown).

    A fine-tune's name outranks its architecture (UI-TARS checkpoints are Qwen2-VL or
    Qwen2.5-VL inside), the model_type outranks a hint in the name. Raises ValueError naming
    --family when nothing tells.
    """
    family = detect(model, model_type)
    if family is None:
        raise ValueError(f"cannot tell the model family of {model!r}"
                         + (f" (model_type {model_type!r})" if model_type else "")
                         + f"; pass --family, one of: {', '.join(FAMILY_NAMES)}")
    return family.name
