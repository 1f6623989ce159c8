"""Steps on the task's desktop session: focusing and closing windows, an accessibility bus."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ...task import SetupError
from .. import procs, windows
from ..paths import as_bool, note
from .base import OsStep


@dataclass
class ActivateWindow(OsStep):
    """Focus a window. params: {"window_name", "strict", "by_class"}; no match is not an error
    (OSWorld went on too), it is noted."""

    kind: ClassVar[str] = "activate_window"

    def run(self, ctx):
        found = windows.find_windows(ctx, self.params["window_name"],
                                     strict=as_bool(self.params.get("strict", False)),
                                     by_class=as_bool(self.params.get("by_class", False)))
        if found:
            windows.activate(ctx, found[-1])
        note(ctx, f"activate_window {self.params['window_name']!r}: {len(found)} found")


@dataclass
class CloseWindow(OsStep):
    """Ask a window to close. params as activate_window."""

    kind: ClassVar[str] = "close_window"

    def run(self, ctx):
        found = windows.find_windows(ctx, self.params["window_name"],
                                     strict=as_bool(self.params.get("strict", False)),
                                     by_class=as_bool(self.params.get("by_class", False)))
        for wid in found:
            windows.close(ctx, wid)
        note(ctx, f"close_window {self.params['window_name']!r}: {len(found)} found")


@dataclass
class AccessibilityBus(OsStep):
    """Give the task a D-Bus session bus of its own, before its apps start, so that they
    publish their accessibility objects (AT-SPI, whose bus the session bus starts on demand)
    for the accessibility_tree getter. Workers otherwise run without a session bus; a shared
    one would connect one worker's apps to another's. params: none."""

    kind: ClassVar[str] = "accessibility_bus"
    wait_s: ClassVar[float] = 10.0

    def run(self, ctx):
        import tempfile

        if ctx.env.get("DBUS_SESSION_BUS_ADDRESS"):
            return
        folder = Path(ctx.env.get("XDG_RUNTIME_DIR") or ctx.workdir)
        if len(str(folder)) > 80:  # a socket path may not exceed 107 bytes
            folder = Path(tempfile.mkdtemp(prefix="osworld-bus-"))
        socket = folder / "session-bus"
        socket.unlink(missing_ok=True)
        try:
            procs.spawn(ctx, ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address=unix:path={socket}"])
        except FileNotFoundError:
            raise SetupError("dbus-daemon is not installed (apt-get install dbus-daemon at-spi2-core)") from None
        deadline = time.monotonic() + self.wait_s
        while not socket.exists():
            if time.monotonic() > deadline:
                raise SetupError(f"dbus-daemon did not open {socket} within {self.wait_s:g} s")
            time.sleep(0.05)
        # Gecko (Thunderbird, Firefox) and Qt publish their objects only when asked to.
        ctx.env.update(DBUS_SESSION_BUS_ADDRESS=f"unix:path={socket}", GNOME_ACCESSIBILITY="1",
                       QT_ACCESSIBILITY="1", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
        note(ctx, f"session bus for accessibility at {socket}")
