"""Does the server resize our screenshots again? One look, at a backend's first request with an image.

Each screenshot travels already smart-resized to the size the model sees, on the family's grid
(one image token per factor x factor block). A server whose own max_pixels is below ours (or
min_pixels above) resizes it again, and then the model's absolute coordinates miss.

vLLM's `/tokenize` renders a chat exactly as its chat endpoint does, every image expanded to its
placeholder tokens, without running the model. Two renderings of the first request, one as sent
and one with its last image swapped for a small image on the family's grid (inside every
server's min..max, so never resized), differ by the server's tokens for our image minus the small
image's: the server's count for our image, to compare with `(w / factor) * (h / factor)`.
Template tokens around an image cancel out, whatever the chat template.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..families import Family


def probe_image(family: "Family") -> "Image":
    """A small grey square on the family's grid, at least the family's min_pixels and 4x4 blocks."""
    from PIL import Image

    blocks = max(4, math.ceil(math.sqrt(family.min_pixels) / family.factor))
    return Image.new("RGB", (blocks * family.factor,) * 2, (128, 128, 128))


def swap_last_image(messages: list[dict], image: "Image") -> list[dict]:
    """`messages` (agent.models.prompts form) with their last image replaced by `image`."""
    where = [(i, j) for i, m in enumerate(messages) for j, p in enumerate(m["content"]) if p["type"] == "image"]
    if not where:
        return messages
    i, j = where[-1]
    content = [*messages[i]["content"]]
    content[j] = {"type": "image", "image": image}
    return [*messages[:i], {**messages[i], "content": content}, *messages[i + 1:]]


@dataclass(frozen=True)
class ResizeCheck:
    """What the server made of one image we sent."""

    size: tuple[int, int]
    """The image we sent (width, height), already on the family's grid."""
    factor: int
    """The family's grid: one image token per factor x factor block."""
    server_tokens: int
    """The server's image tokens for it."""

    @property
    def tokens(self) -> int:
        """Image tokens the image is worth unresized."""
        return (self.size[0] // self.factor) * (self.size[1] // self.factor)

    @property
    def warning(self) -> str | None:
        """One line saying the server resized the image and which flag to align; None if it did not."""
        if self.server_tokens == self.tokens:
            return None
        (w, h), kept = self.size, self.server_tokens * self.factor ** 2
        bound, side = ("max_pixels", "--max-pixels") if self.server_tokens < self.tokens else ("min_pixels", "--min-pixels")
        return (f"the model server resizes our {w}x{h} screenshots again ({self.server_tokens} image tokens, not "
                f"{self.tokens}), so the model's coordinates may miss: align the two with {side} {kept} here, "
                f"or start the server with --mm-processor-kwargs '{{\"{bound}\": {w * h}}}'")

    def info(self) -> dict:
        """For the step's record (traj.jsonl): both counts, and the warning when there is one."""
        out: dict = {"server_image_tokens": self.server_tokens, "image_tokens": self.tokens}
        if self.warning:
            out["resize_warning"] = self.warning
        return out


def measure(size: tuple[int, int], probe_size: tuple[int, int], factor: int, sent: int,
            swapped: int) -> ResizeCheck | None:
    """The check from the token counts of the request as `sent` and with the last image (of
    `size`) `swapped` for the probe image (of `probe_size`); None when the counts cannot tell
    (a server that does not expand images in /tokenize counts both the same)."""
    probe = (probe_size[0] // factor) * (probe_size[1] // factor)
    if sent == swapped and (size[0] // factor) * (size[1] // factor) != probe:
        return None
    server = sent - swapped + probe
    return ResizeCheck(size, factor, server) if server > 0 else None
