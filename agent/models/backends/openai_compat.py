"""Asking a model behind any OpenAI-compatible chat-completions endpoint (vLLM, SGLang, LM Studio...)."""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from drivers.base import require

from agent.policy import OutOfTime, PolicyError

from .base import BackendError, Generation, time_left
from .images import image_url
from .server_errors import explain, server_message

if TYPE_CHECKING:
    from ..families import Family

log = logging.getLogger(__name__)

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
_MAX_WAIT_S = 10.0
"""Longest wait between tries (unless backoff_s is longer): a server coming back is seen soon."""
_CHECK_TIMEOUT_S = 30.0
"""Longest wait for one /tokenize answer of the resize check."""
_TOKENIZE_KEYS = ("mm_processor_kwargs", "chat_template_kwargs")
"""Request options (extra_body) that change how vLLM renders a chat: the check sends them too."""


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
    patience_s: float = Field(180.0, ge=0)
    """How long to keep trying a request that fails (a 429, a 5xx, a timeout, a refused or dropped
    connection), in seconds from its first failure: long enough to outlast a server restart
    (vLLM takes about a minute, longer for big models). The episode's deadline always wins."""
    first_contact_s: float = Field(30.0, ge=0)
    """Patience while the server has never answered: a wrong URL or a server not started yet says
    so in seconds, not after patience_s (which is for a server that answered, then went away)."""
    retries: int | None = Field(None, ge=0, le=1000)
    """At most this many extra tries as well (None: as many as patience_s allows)."""
    backoff_s: float = Field(1.0, ge=0)
    """First wait between tries, doubled each time up to 10 s (a Retry-After header wins, up to 60 s)."""
    constrained: bool = True
    """Send each step's grammar (vLLM's `structured_outputs.regex`) so every reply parses. If the
    server refuses the field, or its first constrained reply does not follow the grammar (it
    ignores the field), it is not sent again (one log line says so)."""
    check_resize: bool = True
    """At the first request with an image, ask the server (vLLM's /tokenize) how many tokens it
    makes of our image, and warn once if it resized it again (its max_pixels below ours)."""
    image_format: Literal["png", "jpeg"] = "png"
    """How the already-resized screenshot travels: PNG is exact, JPEG smaller and quicker to
    make (agent/models/backends/images.py has the costs). Each image is encoded once."""
    jpeg_quality: int = Field(90, ge=1, le=100)
    """JPEG quality when image_format is jpeg (chroma at full resolution)."""
    temperature: float = Field(0.0, ge=0)
    """0 asks for greedy decoding."""
    extra_body: dict[str, Any] = Field(default_factory=dict)
    """More fields for the request body (e.g. top_p, repetition_penalty, mm_processor_kwargs)."""




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
        self.tokenize_url = self.options.base_url.rstrip("/").removesuffix("/v1") + "/tokenize"
        """vLLM's tokenizer endpoint, beside /v1 (the resize check asks it)."""
        self.family: Family | None = None
        """The model family whose screenshots we send; ModelPolicy sets it (the resize check needs its grid)."""
        self._resize_checked = False
        self._answered = False
        self._constrains: bool | None = None
        """Whether the server honours structured_outputs: None until the first constrained reply."""

    def payload(self, messages: list[dict], max_new_tokens: int) -> dict:
        """The request body: text parts as text, images as data URLs."""
        out = []
        for message in messages:
            parts = []
            for part in message["content"]:
                if part["type"] == "image":
                    url = image_url(part["image"], self.options.image_format, self.options.jpeg_quality)
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

    def warm(self, image) -> None:
        """Encode a model-ready image ahead of its request (kept for it: images.image_url)."""
        image_url(image, self.options.image_format, self.options.jpeg_quality)

    def _post(self, body: dict, deadline: float | None = None) -> dict:
        """POST `body` to the chat endpoint and return the answer's JSON; retry what may pass
        (429, 5xx, timeouts, refused or dropped connections) for up to `patience_s` after the
        first failure (and `retries` extra tries, when set), never past `deadline`."""
        httpx, opts = self._httpx, self.options
        delay, last, tries, failing_since = opts.backoff_s, "", 0, None
        while True:
            tries += 1
            wait = delay
            timeout = self._timeout(deadline)
            try:
                response = self._client.post(self.url, json=body, timeout=timeout)
            except httpx.TimeoutException as exc:
                if deadline is not None and time.monotonic() >= deadline:
                    raise OutOfTime(f"no reply from {self.url} before the time limit") from None
                last = f"no reply from {self.url} within the timeout ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last = f"cannot reach the model server at {self.url}: {exc or type(exc).__name__}"
            else:
                self._answered = True
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError:
                        raise BackendError(f"{self.url} answered {response.status_code} with non-JSON: "
                                           f"{response.text[:200]!r}") from None
                images = sum(1 for m in body.get("messages", ()) if isinstance(m.get("content"), list)
                             for p in m["content"] if isinstance(p, dict) and p.get("type") == "image_url")
                what = explain(response.status_code, server_message(response.text), images)
                last = f"{self.url} answered HTTP {response.status_code}: {what}"
                if response.status_code not in _RETRY_STATUS:
                    raise BackendError(last)
                retry_after = response.headers.get("retry-after", "")
                if retry_after.replace(".", "", 1).isdigit():
                    wait = min(float(retry_after), 60.0)
            now = time.monotonic()
            failing_since = failing_since if failing_since is not None else now
            if opts.retries is not None and tries > opts.retries:
                raise BackendError(f"{last} (gave up after {tries} tries)")
            patience = opts.patience_s if self._answered else min(opts.patience_s, opts.first_contact_s)
            if now + wait - failing_since > patience:
                why = f"patience_s={patience:g}" if self._answered else \
                    f"it never answered; first_contact_s={patience:g}"
                raise BackendError(f"{last} (gave up after {tries} tries in {now - failing_since:.0f} s; {why})")
            if deadline is not None and now + wait >= deadline:
                raise OutOfTime(f"{last}; the time limit comes before the next try") from None
            time.sleep(wait)
            delay = min(delay * 2, max(_MAX_WAIT_S, opts.backoff_s))

    def _timeout(self, deadline: float | None):
        """The request's timeouts, cut so that no reply is awaited past `deadline`."""
        opts, left = self.options, time_left(deadline)
        if left is None or left >= opts.timeout_s:
            return self._httpx.Timeout(opts.timeout_s, connect=opts.connect_timeout_s)
        return self._httpx.Timeout(left, connect=min(opts.connect_timeout_s, left))

    def generate(self, messages: list[dict], max_new_tokens: int, *, deadline: float | None = None,
                 grammar=None) -> Generation:
        """The served model's reply, with the token counts the server reports; retries stop, and
        a request is cut, at `deadline`. With a `grammar` (agent/models/grammars), the reply is
        constrained to it where the server can. The first request with an image also checks
        that the server keeps our image's size (`check_resize`); what it found goes into `info`."""
        started = time.perf_counter()
        body = self.payload(messages, max_new_tokens)
        constrained = grammar is not None and self.options.constrained and self._constrains is not False
        if constrained:
            body = {**body, **grammar.request_body()}
        try:
            data = self._post(body, deadline)
        except BackendError as exc:
            if not constrained or "structured_outputs" not in str(exc):
                raise
            log.warning("the model server refuses structured_outputs; replies are not constrained (%s)", exc)
            self._constrains, constrained = False, False
            data = self._post(self.payload(messages, max_new_tokens), deadline)
        try:
            text = data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise BackendError(f"{self.url} answered without choices[0].message.content: {str(data)[:200]}") from None
        if isinstance(text, list):  # content parts
            text = "".join(p.get("text", "") for p in text if isinstance(p, dict))
        if constrained and self._constrains is None:
            self._constrains = grammar.matches(text)
            if not self._constrains:  # the field was ignored: stop sending it
                log.warning("the model server ignores structured_outputs (its reply does not follow "
                            "the grammar); replies are not constrained")
        usage = data.get("usage") or {}
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        info = {}
        if self.options.check_resize and not self._resize_checked and self.family is not None:
            info = self._check_resize(messages, body, deadline)
        return Generation(text=text, prompt_tokens=usage.get("prompt_tokens"),
                          completion_tokens=usage.get("completion_tokens"), latency_ms=latency_ms, info=info,
                          constrained=bool(constrained and self._constrains))

    def _check_resize(self, messages: list[dict], body: dict, deadline: float | None) -> dict:
        """Once: does the server resize our last image again (agent/models/backends/resize_check.py)?
        Its counts for the step's record, and a one-line warning (logged too) when it does; {}
        when it cannot tell (no image yet, no vLLM /tokenize, no time left)."""
        from .resize_check import measure, probe_image, swap_last_image

        images = [p["image"] for m in messages for p in m["content"] if p["type"] == "image"]
        if not images:
            return {}
        self._resize_checked = True
        family = self.family
        small = probe_image(family)
        try:
            sent = self._count_tokens(body["messages"], deadline)
            swapped = self._count_tokens(self.payload(swap_last_image(messages, small), 1)["messages"], deadline)
        except PolicyError as exc:  # BackendError, OutOfTime: the check is optional
            log.debug("resize check skipped: %s", exc)
            return {}
        check = measure(images[-1].size, small.size, family.factor, sent, swapped)
        if check is None:
            log.debug("resize check skipped: %s does not count image tokens", self.tokenize_url)
            return {}
        if check.warning:
            log.warning("warning: %s", check.warning)
        return check.info()

    def _count_tokens(self, messages: list[dict], deadline: float | None) -> int:
        """The prompt tokens vLLM's /tokenize counts for a chat (images expanded, with the
        request's own processor and template options); one try, at most 30 s."""
        body = {"model": self.model_id, "messages": messages,
                **{k: v for k, v in self.options.extra_body.items() if k in _TOKENIZE_KEYS}}
        timeout = self._timeout(deadline)
        timeout = self._httpx.Timeout(min(timeout.read, _CHECK_TIMEOUT_S), connect=timeout.connect)
        try:
            response = self._client.post(self.tokenize_url, json=body, timeout=timeout)
            count = response.json()["count"] if response.status_code == 200 else None
        except (self._httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise BackendError(f"{self.tokenize_url}: {type(exc).__name__}") from None
        if not isinstance(count, int):
            raise BackendError(f"{self.tokenize_url} answered HTTP {response.status_code} without a count")
        return count

    def close(self) -> None:
        self._client.close()
