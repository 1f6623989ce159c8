"""Backends: where the model runs. `transformers` (in this process) or `openai` (over HTTP).

Heavy packages are imported only when a backend is built.
"""

from __future__ import annotations

from typing import Any

from .base import Backend, BackendError, Generation

BACKENDS = ("transformers", "openai")


def make_backend(kind: str, model: str, options: dict[str, Any]) -> Backend:
    """Build the backend `kind` for `model`; `options` are that backend's option fields."""
    match kind:
        case "transformers":
            from .local import TransformersBackend, TransformersOptions

            return TransformersBackend(model, TransformersOptions(**options))
        case "openai":
            from .openai_compat import OpenAIBackend, OpenAIOptions

            return OpenAIBackend(model, OpenAIOptions(**options))
        case "shared":  # set by the batch, not chosen by users: a model process its workers share
            from .shared import SharedBackend, SharedOptions

            return SharedBackend(model, SharedOptions(**options))
    raise ValueError(f"unknown backend {kind!r}; choose one of: {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Backend", "BackendError", "Generation", "make_backend"]
