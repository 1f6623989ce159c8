"""Set-up steps for `platform: android` tasks. Each runs through ctx.driver (an AndroidDriver).

YAML form: a mapping whose first key is the kind, e.g.
    - launch_app: com.android.settings
    - push_file: data/notes.txt
      to: /sdcard/Download/notes.txt
Package and setting names are validated; every value is quoted before it reaches the
phone's shell. `adb_shell` is the one step that runs its text as a shell command: it is
written by the task author, never by a model.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from drivers.android.text import q
from drivers.base import ActionRefused

from ..kinds import StepSpec
from ..task import SetupError

if TYPE_CHECKING:
    from ..task import TaskContext

PackageName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$",
                                   description="an Android package such as com.android.settings")]
DevicePath = Annotated[str, Field(pattern=r"^/[^\x00\n]*$", description="an absolute path on the phone")]


def android_driver(ctx: "TaskContext", error: type[Exception]):
    """ctx.driver when it is an Android driver (has shell() and device), else `error`."""
    drv = ctx.driver
    if drv is None or not (hasattr(drv, "shell") and hasattr(drv, "device")):
        raise error(f"this step needs the android driver, not {getattr(drv, 'name', drv)!r}")
    return drv


class LaunchApp(StepSpec):
    """Open an app by package, `package/Activity` component or name, as open_app does."""

    kind = "launch_app"
    platforms = ("android",)
    launch_app: Annotated[str, Field(min_length=1, max_length=256)]
    """Package, component or app name."""
    wait_s: Annotated[float, Field(ge=0, le=60)] = 1.0
    """Seconds to wait afterwards for the app to draw its first screen."""

    def run(self, ctx: "TaskContext") -> None:
        drv = android_driver(ctx, SetupError)
        try:
            drv.launch(self.launch_app)
        except ActionRefused as exc:
            raise SetupError(f"launch_app {self.launch_app!r}: {exc}") from None
        time.sleep(self.wait_s)


class ForceStop(StepSpec):
    """Stop an app (`am force-stop`), so it starts fresh next time."""

    kind = "force_stop"
    platforms = ("android",)
    force_stop: PackageName
    """Package to stop."""

    def run(self, ctx: "TaskContext") -> None:
        r = android_driver(ctx, SetupError).shell("am force-stop " + q(self.force_stop))
        if r.rc != 0:
            raise SetupError(f"force_stop {self.force_stop}: {(r.err or r.out).strip()}")


class ClearData(StepSpec):
    """Erase an app's data and caches (`pm clear`), as after a fresh install."""

    kind = "clear_data"
    platforms = ("android",)
    clear_data: PackageName
    """Package whose data is erased."""

    def run(self, ctx: "TaskContext") -> None:
        r = android_driver(ctx, SetupError).shell("pm clear " + q(self.clear_data))
        if "Success" not in r.out:
            raise SetupError(f"clear_data {self.clear_data}: pm clear said {(r.out + r.err).strip()!r}")


class PushFile(StepSpec):
    """Copy a local file to the phone (the adb sync protocol, as `adb push`)."""

    kind = "push_file"
    platforms = ("android",)
    push_file: str
    """Local file; $VARS and ~ expand, relative paths start at the task's workdir."""
    to: DevicePath
    """Absolute destination path on the phone (a file name, not a folder)."""
    mode: Annotated[int, Field(ge=0, le=0o777)] = 0o644
    """Permission bits of the new file."""

    def run(self, ctx: "TaskContext") -> None:
        drv = android_driver(ctx, SetupError)
        local = Path(ctx.expand(self.push_file))
        if not local.is_absolute():
            local = ctx.workdir / local
        if not local.is_file():
            raise SetupError(f"push_file: no local file {local}")
        parent = self.to.rsplit("/", 1)[0] or "/"
        drv.shell("mkdir -p " + q(parent))
        try:
            drv.device.sync.push(local.read_bytes(), self.to, self.mode)
        except Exception as exc:  # adbutils raises AdbError and plain OSErrors alike here
            raise SetupError(f"push_file {local} -> {self.to}: {exc}") from None


class AdbShell(StepSpec):
    """Run a shell command on the phone (the task author's own text); fails on a bad exit status."""

    kind = "adb_shell"
    platforms = ("android",)
    adb_shell: Annotated[str, Field(min_length=1)]
    """The command line, for the phone's sh."""
    expect_rc: int | None = 0
    """Exit status that counts as success; null accepts any."""
    timeout_s: Annotated[float, Field(gt=0, le=3600)] = 60.0
    """Seconds the command may take."""

    def run(self, ctx: "TaskContext") -> None:
        r = android_driver(ctx, SetupError).shell(self.adb_shell, timeout=self.timeout_s)
        if self.expect_rc is not None and r.rc != self.expect_rc:
            raise SetupError(f"adb_shell {self.adb_shell!r} exited {r.rc} (wanted {self.expect_rc}): "
                             f"{(r.err or r.out).strip()[:300]}")


class GoHome(StepSpec):
    """Press the Home button, leaving the launcher in front."""

    kind = "go_home"
    platforms = ("android",)
    go_home: bool | None = True
    """`- go_home: true` (or empty); false skips the step."""

    def run(self, ctx: "TaskContext") -> None:
        if self.go_home is False:
            return
        r = android_driver(ctx, SetupError).shell("input keyevent KEYCODE_HOME")
        if r.rc != 0:
            raise SetupError(f"go_home: {(r.err or r.out).strip()}")


STEPS = (LaunchApp, ForceStop, ClearData, PushFile, AdbShell, GoHome)
