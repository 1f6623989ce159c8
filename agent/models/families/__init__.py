"""The model families, each a `Family` in a module of this package, and the registry of them.

Adding a family is a new module here (a Family subclass and `FAMILY = ThatFamily()`) and its
name in _MODULES; docs/models.md says what to fill in.
"""

from __future__ import annotations

import importlib

from .base import BY_BRAND, BY_MODEL_TYPE, BY_NAME_HINT, Architecture, Coords, Family

_MODULES = (  # one line a family, in the order FAMILY_NAMES lists them (detection ties: later wins)
    "qwen2_vl",
    "qwen2_5_vl",
    "qwen3_vl",
    "ui_tars",
    "ui_tars_1_5",
)


def _spelling(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _register() -> tuple[dict[str, Family], dict[str, str], dict[str, Architecture]]:
    """Every family by name, every spelling -> name, every model_type -> its classes. A name that
    two families claim, or a model_type they load with different classes, is a bug: it raises."""
    families: dict[str, Family] = {}
    spellings: dict[str, str] = {}
    architectures: dict[str, Architecture] = {}
    for module in _MODULES:
        family = importlib.import_module(f"{__name__}.{module}").FAMILY
        for spelling in (family.name, *family.aliases):
            if spellings.setdefault(_spelling(spelling), family.name) != family.name:
                raise ValueError(f"{module}: {spelling!r} already names {spellings[_spelling(spelling)]}")
        for arch in family.architectures:
            if architectures.setdefault(arch.model_type, arch) != arch:
                raise ValueError(f"{module}: model_type {arch.model_type!r} has other classes in an earlier family")
        families[family.name] = family
    return families, spellings, architectures


FAMILIES, _SPELLINGS, _ARCHITECTURES = _register()
"""FAMILIES: name -> Family, in registration order."""
FAMILY_NAMES = tuple(FAMILIES)


def get_family(name: str) -> Family:
    """The family called `name` or one of its aliases (case-insensitive; "_" read as "-", so
    'qwen2_5_vl' and 'UITARS' work). ValueError naming the choices otherwise."""
    key = _spelling(name)
    if key not in _SPELLINGS:
        raise ValueError(f"unknown model family {name!r}; choose one of: {', '.join(FAMILY_NAMES)}")
    return FAMILIES[_SPELLINGS[key]]


def detect(model: str, model_type: str | None = None) -> Family | None:
    """The family `model` (a hub id, path or served name) most surely belongs to (see
    Family.detect), or None when no family recognises it."""
    best, best_score = None, 0
    for family in FAMILIES.values():
        score = family.detect(model, model_type)
        if score and score >= best_score:  # >=: on a tie the later registration wins
            best, best_score = family, score
    return best


def architecture(model_type: str | None) -> Architecture | None:
    """The transformers classes for a checkpoint `model_type`, if any family runs on it."""
    return _ARCHITECTURES.get(model_type) if model_type else None


__all__ = ["BY_BRAND", "BY_MODEL_TYPE", "BY_NAME_HINT", "FAMILIES", "FAMILY_NAMES", "Architecture", "Coords",
           "Family", "architecture", "detect", "get_family"]
