"""An OpenAI-compatible server's error answer as one line that says what happened and what fixes it.

vLLM refuses a request with HTTP 400 and `{"error": {"message": ...}}`. Three refusals follow
from a server started with flags that do not match ours, and each is spelled out with the
flag (the server's, or ours) that fixes it:

- more images in a prompt than its `--limit-mm-per-prompt` allows (our `--history-images`);
- a prompt longer than its `--max-model-len`;
- per-request `mm_processor_kwargs` (our `extra_body`) without `--trust-request-mm-kwargs`.

Any other answer keeps the server's own message, on one line.
"""

from __future__ import annotations

import json
import re

_MAX_CHARS = 300
_IMAGES_ALLOWED = (re.compile(r"at most (\d+) image", re.I),              # vLLM 0.11+
                   re.compile(r"""["']image["']\s*:\s*(\d+)"""))           # older: You set '{"image": 1}' ...
_CONTEXT = re.compile(r"maximum context length is (\d+) tokens", re.I)
_PROMPT_TOKENS = (re.compile(r"((?:at least )?\d+) input tokens"), re.compile(r"requested (\d+) tokens"))


def server_message(text: str) -> str:
    """The message in an error answer's body (`{"error": {"message"}}`, `{"error": "..."}`,
    `{"message"}` or `{"detail"}`), else the body itself; on one line, cut at 300 characters."""
    message = text
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        found = data.get("error", data)
        if isinstance(found, dict):
            found = found.get("message") or found.get("detail") or found
        message = found if isinstance(found, str) else json.dumps(found)
    message = " ".join(str(message).split())
    return message if len(message) <= _MAX_CHARS else message[:_MAX_CHARS - 3] + "..."


def explain(status: int, message: str, images: int) -> str:
    """What an HTTP `status` answer with `message` means for a request that carried `images`
    images: the fix for the refusals a mismatched server gives, else `message` as it is."""
    low = message.lower()
    if "image" in low and ("limit-mm-per-prompt" in low or "may be provided in one prompt" in low):
        allowed = next((int(m.group(1)) for p in _IMAGES_ALLOWED if (m := p.search(message))), None)
        has = f"at most {allowed} images in a prompt" if allowed is not None else "fewer images in a prompt"
        ours = f"--history-images {allowed}" if allowed else "a smaller --history-images"
        return (f"too many images: the server takes {has} and this one has {images}; start it with "
                f"--limit-mm-per-prompt '{{\"image\": {max(images, 1)}}}', or run with {ours}")
    if (context := _CONTEXT.search(message)) is not None:
        tokens = next((m.group(1) for p in _PROMPT_TOKENS if (m := p.search(message))), None)
        size = f" ({tokens} tokens)" if tokens else ""
        return (f"prompt too long: the prompt{size} does not fit the server's context of {context.group(1)} "
                "tokens; start it with a larger --max-model-len, or send fewer or smaller screenshots "
                "(--history-images, --max-pixels)")
    if "mm_processor_kwargs" in low and ("trust-request-mm-kwargs" in low or "disabled" in low):
        return ("the server refuses per-request mm_processor_kwargs (the extra_body model option); start it "
                "with --trust-request-mm-kwargs, or set them on the server with --mm-processor-kwargs and "
                "drop them here")
    if status == 404 and "model" in low and "does not exist" in low:
        return f"{message} (--model must be a name the server's /v1/models lists)"
    return message
