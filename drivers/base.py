"""The contract every driver keeps, and the two kinds of error it may raise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PIL.Image import Image

    from .actions import Action


class ActionRefused(Exception):
    """The world said no to one action (off-screen point, no such button, app not found).

    The loop records the message as an observation for the policy and goes on.
    """


class DriverError(Exception):
    """The driver can no longer work (display gone, device lost). The episode ends."""


class MissingDependency(RuntimeError):
    """An optional package or program is not installed; the message says how to install it."""


@runtime_checkable
class Driver(Protocol):
    """A screen to look at and input to send.

    `screen_size` is (width, height) in pixels of the screenshots `screenshot()` returns;
    every action's coordinates are in that space.
    """

    name: str

    @property
    def screen_size(self) -> tuple[int, int]: ...

    def screenshot(self) -> "Image":
        """The screen now, an RGB PIL image of `screen_size`."""
        ...

    def execute(self, action: "Action") -> None:
        """Carry out one action; raise ActionRefused or DriverError."""
        ...

    def pointer(self) -> tuple[int, int] | None:
        """Where the pointer is now (screenshot pixels), or None on a device without one.

        Actions with a null start (click, scroll, drag) act from here."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> "Driver": ...

    def __exit__(self, *exc) -> None: ...


def check_point(x: int | None, y: int | None, size: tuple[int, int]) -> None:
    """Refuse a point outside a screen of `size` pixels; None means 'where the pointer is'."""
    if x is None or y is None:
        return
    w, h = size
    if not (0 <= x < w and 0 <= y < h):
        raise ActionRefused(f"point ({x}, {y}) is outside the {w}x{h} screen; nothing was done")


def require(module: str, extra: str):
    """Import an optional module or raise MissingDependency with the install hint."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(
            f"{module} is not installed ({exc}); install it with: pip install 'gui-agent[{extra}]'"
        ) from None
