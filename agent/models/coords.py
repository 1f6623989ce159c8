"""Model coordinates -> screenshot pixels, for each family's convention."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from agent.policy import FormatError

from .families import Coords
from .resize import Frame


@dataclass(frozen=True)
class Mapper:
    """Maps points the model wrote into integer pixels of the screenshot, clamped to its edges."""

    frame: Frame
    coords: Coords

    def _axis(self, value: float, axis: int) -> int:
        screen = self.frame.screen[axis]
        match self.coords:
            case "absolute":
                if self.frame.model is None:
                    raise ValueError("absolute coordinates need the model image size")
                scaled = value * screen / self.frame.model[axis]
            case "rel1000":
                scaled = value * screen / 1000
            case "rel999":
                scaled = value * screen / 999
        # Never off-screen: a point on or past the edge lands on the last pixel.
        return min(max(int(round(scaled)), 0), screen - 1)

    def point(self, x: float, y: float) -> tuple[int, int]:
        """Screen pixels of the model point (x, y)."""
        for v in (x, y):
            if not math.isfinite(v):
                raise FormatError(f"coordinate {v!r} is not a finite number")
        return self._axis(x, 0), self._axis(y, 1)

    def target(self, numbers: Sequence[float]) -> tuple[int, int]:
        """Screen pixels of a point [x, y] or of the centre of a box [x1, y1, x2, y2]."""
        match len(numbers):
            case 2:
                return self.point(numbers[0], numbers[1])
            case 4:
                x1, y1, x2, y2 = numbers
                return self.point((x1 + x2) / 2, (y1 + y2) / 2)
            case n:
                raise FormatError(f"expected a point (x, y) or a box (x1, y1, x2, y2), got {n} numbers")
