"""Asking a model behind any OpenAI-compatible chat-completions endpoint (vLLM, SGLang, LM Studio...)."""

from __future__ import annotations

import base64
import io
import os
import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from drivers.base import require

from agent.policy import OutOfTime

from .base import BackendError, Generation, time_left

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIOptions(BaseModel):
    """Where the endpoint is and how patiently to talk to it."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = "http://localhost:8000/v1"
    """The endpoint's base URL; requests go to BASE_URL/chat/completions."""
    api_key: str | None = None
    """Bearer key; default $OPENAI_API_KEY; none sent when both are empty."""
    timeout_s: float = Field(120.0, gt=0)
    """Seconds to wait for one reply."""
    connect_timeout_s: float = Field(10.0, gt=0)
    """Seconds to wait for a connection."""
    retries: int = Field(4, ge=0, le=20)
    """Extra tries after a 429, a 5xx, a timeout or a refused connection."""
    backoff_s: float = Field(1.0, ge=0)
    """First wait between tries, doubled each time (a Retry-After header wins, up to 60 s)."""
    image_format: Literal["png", "jpeg"] = "png"
    """How the already-resized screenshot travels: PNG is exact, JPEG smaller."""
    jpeg_quality: int = Field(90, ge=1, le=100)
    """JPEG quality when image_format is jpeg."""
    temperature: float = Field(0.0, ge=0)
    """0 asks for greedy decoding."""
    extra_body: dict[str, Any] = Field(default_factory=dict)
    """More fields for the request body (e.g. top_p, repetition_penalty, mm_processor_kwargs)."""


def data_url(image, fmt: str = "png", quality: int = 90) -> str:
    """A data URL of a PIL image, exactly as sized (never resized here)."""
    buffer = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    else:
        image.save(buffer, format="PNG", compress_level=1)
    return f"data:image/{fmt};base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class OpenAIBackend:
    """Chat completions over HTTP with retries; `model` is the served model's name."""

    name = "openai"
    model_type: str | None = None

    def __init__(self, model: str, options: OpenAIOptions | None = None):
        self.model_id = model
        self.options = options or OpenAIOptions()
        self._httpx = require("httpx", "openai")
        key = self.options.api_key or os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        timeout = self._httpx.Timeout(self.options.timeout_s, connect=self.options.connect_timeout_s)
        self._client = self._httpx.Client(timeout=timeout, headers=headers)
        self.url = self.options.base_url.rstrip("/") + "/chat/completions"

    def payload(self, messages: list[dict], max_new_tokens: int) -> dict:
        """The request body: text parts as text, images as data URLs."""
        out = []
        for message in messages:
            parts = []
            for part in message["content"]:
                if part["type"] == "image":
                    url = data_url(part["image"], self.options.image_format, self.options.jpeg_quality)
                    parts.append({"type": "image_url", "image_url": {"url": url}})
                else:
                    parts.append({"type": "text", "text": part["text"]})
            if message["role"] != "user" and all(p["type"] == "text" for p in parts):
                # Some servers accept only a string for system and assistant turns.
                out.append({"role": message["role"], "content": "".join(p["text"] for p in parts)})
            else:
                out.append({"role": message["role"], "content": parts})
        return {"model": self.model_id, "messages": out, "max_tokens": max_new_tokens,
                "temperature": self.options.temperature, **self.options.extra_body}

    def _post(self, body: dict, deadline: float | None = None) -> dict:
        httpx, opts = self._httpx, self.options
        delay, last = opts.backoff_s, ""
        for attempt in range(opts.retries + 1):
            wait = delay
            left = time_left(deadline)
            # Never wait for a reply past the episode's deadline.
            cut = left is not None and left < opts.timeout_s
            timeout = httpx.Timeout(min(opts.timeout_s, left) if cut else opts.timeout_s,
                                    connect=min(opts.connect_timeout_s, left) if cut else opts.connect_timeout_s)
            try:
                response = self._client.post(self.url, json=body, timeout=timeout)
            except httpx.TimeoutException as exc:
                if deadline is not None and time.monotonic() >= deadline:
                    raise OutOfTime(f"no reply from {self.url} before the time limit") from None
                last = f"no reply from {self.url} within the timeout ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last = f"cannot reach the model server at {self.url}: {exc or type(exc).__name__}"
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError:
                        raise BackendError(f"{self.url} answered {response.status_code} with non-JSON: "
                                           f"{response.text[:200]!r}") from None
                detail = " ".join(response.text.split())[:300]
                last = f"{self.url} answered HTTP {response.status_code}: {detail}"
                if response.status_code not in _RETRY_STATUS:
                    raise BackendError(last)
                retry_after = response.headers.get("retry-after", "")
                if retry_after.replace(".", "", 1).isdigit():
                    wait = min(float(retry_after), 60.0)
            if attempt < opts.retries:
                if deadline is not None and time.monotonic() + wait >= deadline:
                    raise OutOfTime(f"{last}; the time limit comes before the next try") from None
                time.sleep(wait)
                delay *= 2
        raise BackendError(f"{last} (gave up after {opts.retries + 1} tries)")

    def generate(self, messages: list[dict], max_new_tokens: int, *,
                 deadline: float | None = None) -> Generation:
        """The served model's reply, with the token counts the server reports; retries stop, and
        a request is cut, at `deadline`."""
        started = time.perf_counter()
        data = self._post(self.payload(messages, max_new_tokens), deadline)
        try:
            text = data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise BackendError(f"{self.url} answered without choices[0].message.content: {str(data)[:200]}") from None
        if isinstance(text, list):  # content parts
            text = "".join(p.get("text", "") for p in text if isinstance(p, dict))
        usage = data.get("usage") or {}
        return Generation(text=text, prompt_tokens=usage.get("prompt_tokens"),
                          completion_tokens=usage.get("completion_tokens"),
                          latency_ms=round((time.perf_counter() - started) * 1000, 1))

    def close(self) -> None:
        self._client.close()
