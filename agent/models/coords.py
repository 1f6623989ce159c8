"""Model coordinates -> screenshot pixels, for each family's convention."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from agent.policy import FormatError

from .families import Coords
from .parsers.text import shown
from .resize import Frame

_AXES = ("x", "y")


@dataclass(frozen=True)
class Mapper:
    """Maps points the model wrote into integer pixels of the screenshot.

    A point must lie in the model's coordinate space, edges included: absolute families
    0..width / 0..height of the image the model saw (Frame.model), rel1000 0..1000, rel999
    0..999. Anything else (negative, past the edge, NaN, infinite, not a number) is a
    FormatError naming the field and value, so the model learns where it went wrong instead of
    clicking a clamped edge pixel. A point exactly on the upper limit lands on the last pixel.
    """

    frame: Frame
    coords: Coords

    def limit(self, axis: int) -> int:
        """The largest value the model may write on `axis` (0 = x, 1 = y)."""
        match self.coords:
            case "absolute":
                if self.frame.model is None:
                    raise ValueError("absolute coordinates need the model image size")
                return self.frame.model[axis]
            case "rel1000":
                return 1000
            case "rel999":
                return 999
        raise ValueError(f"unknown coordinate convention {self.coords!r}")

    def _check(self, value: float, axis: int, field: str) -> None:
        top = self.limit(axis)
        # Written so NaN, bools, strings and huge ints fail here, before any arithmetic.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= top:
            where = (f"the {self.frame.model[0]}x{self.frame.model[1]} image the model saw"
                     if self.coords == "absolute" else "relative coordinates")
            raise FormatError(f"{field}: {_AXES[axis]}={shown(value)} is outside 0..{top} ({where})")

    def _axis(self, value: float, axis: int) -> int:
        screen = self.frame.screen[axis]
        return min(int(round(value * screen / self.limit(axis))), screen - 1)

    def point(self, x: float, y: float, field: str = "coordinate") -> tuple[int, int]:
        """Screen pixels of the model point (x, y); FormatError naming `field` if it is outside
        the model's coordinate space."""
        self._check(x, 0, field)
        self._check(y, 1, field)
        return self._axis(x, 0), self._axis(y, 1)

    def target(self, numbers: Sequence[float], field: str = "coordinate") -> tuple[int, int]:
        """Screen pixels of a point [x, y] or of the centre of a box [x1, y1, x2, y2]; every
        corner of a box must be inside the coordinate space."""
        match len(numbers):
            case 2:
                return self.point(numbers[0], numbers[1], field)
            case 4:
                x1, y1, x2, y2 = numbers
                for i, value in enumerate(numbers):
                    self._check(value, i % 2, field)
                return self.point((x1 + x2) / 2, (y1 + y2) / 2, field)
            case n:
                raise FormatError(f"{field}: expected a point (x, y) or a box (x1, y1, x2, y2), got {n} numbers")
