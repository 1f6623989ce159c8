"""Telling a checkpoint's family from its config `model_type` and hints in its name."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .families import FAMILY_NAMES

_BY_TYPE = {"qwen2_vl": "qwen2-vl", "qwen2_5_vl": "qwen2.5-vl", "qwen3_vl": "qwen3-vl", "qwen3_vl_moe": "qwen3-vl"}


def local_model_type(model: str) -> str | None:
    """`model_type` from a local checkpoint folder's config.json, if `model` is one."""
    config = Path(model) / "config.json"
    try:
        return json.loads(config.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError):
        return None


def detect_family(model: str, model_type: str | None = None) -> str:
    """The family of `model` (a hub id, a path or a served name).

    UI-TARS checkpoints are Qwen2-VL (1.0) or Qwen2.5-VL (1.5) by architecture, so a name
    containing "UI-TARS" decides between the two with the model_type (or "1.5" in the name).
    Raises ValueError naming --family when nothing tells.
    """
    name = model.lower().replace("_", "-")
    compact = re.sub(r"[^a-z0-9.]", "", name)
    if "uitars" in compact:
        if model_type == "qwen2_5_vl" or "1.5" in name or "15" in compact.split("uitars")[-1][:3]:
            return "ui-tars-1.5"
        return "ui-tars"
    if model_type in _BY_TYPE:
        return _BY_TYPE[model_type]
    for hint, family in (("qwen3vl", "qwen3-vl"), ("qwen3.5vl", "qwen3-vl"), ("qwen2.5vl", "qwen2.5-vl"),
                         ("qwen25vl", "qwen2.5-vl"), ("qwen2vl", "qwen2-vl")):
        if hint in compact:
            return family
    raise ValueError(f"cannot tell the model family of {model!r}"
                     + (f" (model_type {model_type!r})" if model_type else "")
                     + f"; pass --family, one of: {', '.join(FAMILY_NAMES)}")
