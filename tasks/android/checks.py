"""Checks for `platform: android` tasks: each looks at the phone and scores 0 or 1.

YAML form: a mapping whose first key is the kind, e.g.
    - foreground: com.android.settings
    - ui_text: Network & internet
    - setting: airplane_mode_on
      namespace: global
      equals: "1"
A check raises CheckError only when it cannot look (no android driver, uiautomator fails);
a world that is not as wanted scores 0. `setting`, `adb_output` and `device_file` hold the text
they read to the rule every platform shares (equals / contains / regex / strip, tasks.kinds).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from drivers.android.apps import full_activity
from drivers.android.text import q

from ..kinds import CheckSpec, TextMatch
from ..task import CheckError
from .steps import DevicePath, android_driver

if TYPE_CHECKING:
    from ..task import TaskContext

UI_DUMP_PATH = "/data/local/tmp/gui_agent_window.xml"


class Foreground(CheckSpec):
    """The app in front is this package, or this `package/Activity` (activity may be `.Short`)."""

    kind = "foreground"
    platforms = ("android",)
    foreground: Annotated[str, Field(pattern=r"^[A-Za-z][\w.]*(/[\w.$]+)?$")]
    """Package, or package/activity."""

    def score(self, ctx: "TaskContext") -> float:
        front = android_driver(ctx, CheckError).foreground()
        if front is None:
            raise CheckError("could not read the foreground app from dumpsys")
        package, _, activity = self.foreground.partition("/")
        if front[0] != package:
            return 0.0
        return float(not activity or full_activity(package, activity) == front[1])


def ui_tree(ctx: "TaskContext") -> ET.Element:
    """The screen's view hierarchy from `uiautomator dump`; CheckError when it cannot be had."""
    drv = android_driver(ctx, CheckError)
    r = drv.shell("uiautomator dump " + q(UI_DUMP_PATH), timeout=30)
    if "dumped to" not in r.out:
        raise CheckError(f"uiautomator dump failed: {(r.out + r.err).strip()[:200]}")
    xml = drv.shell("cat " + q(UI_DUMP_PATH)).out
    try:
        return ET.fromstring(xml.strip())
    except ET.ParseError as exc:
        raise CheckError(f"uiautomator dump is not XML: {exc}") from None


class UiText(CheckSpec):
    """Some view on screen shows this text (its `text` or `content-desc`)."""

    kind = "ui_text"
    platforms = ("android",)
    ui_text: Annotated[str, Field(min_length=1)]
    """Text to look for."""
    exact: bool = False
    """Whole text equals it (else: contains it)."""

    def score(self, ctx: "TaskContext") -> float:
        for node in ui_tree(ctx).iter("node"):
            for value in (node.get("text") or "", node.get("content-desc") or ""):
                if value == self.ui_text or (not self.exact and self.ui_text in value):
                    return 1.0
        return 0.0


class UiNode(CheckSpec):
    """Some view has all these attributes with exactly these values, as uiautomator writes them
    (`resource-id`, `text`, `content-desc`, `class`, `checked`, `selected`, `enabled`, ...)."""

    kind = "ui_node"
    platforms = ("android",)
    ui_node: Annotated[dict[str, str], Field(min_length=1)]
    """Attribute name -> value."""

    def score(self, ctx: "TaskContext") -> float:
        for node in ui_tree(ctx).iter("node"):
            if all(node.get(k) == v for k, v in self.ui_node.items()):
                return 1.0
        return 0.0


class Setting(TextMatch):
    """`settings get NAMESPACE KEY` keeps the rule (a rule is required: an unset key reads `null`)."""

    kind = "setting"
    platforms = ("android",)
    setting: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]+$")]
    """The setting's key, e.g. airplane_mode_on."""
    namespace: Literal["system", "secure", "global"] = "system"
    """Which settings table."""

    def needs_rule(self) -> bool:
        return True

    def failure(self, ctx: "TaskContext") -> str | None:
        r = android_driver(ctx, CheckError).shell(f"settings get {self.namespace} {q(self.setting)}")
        if r.rc != 0:
            raise CheckError(f"settings get {self.namespace} {self.setting}: {(r.err or r.out).strip()}")
        # `settings get` ends the value with a newline of its own, also for `strip: false`.
        return self.mismatch(f"setting {self.namespace}/{self.setting}", r.out.removesuffix("\n"))


class AdbOutput(TextMatch):
    """A shell command on the phone (the task author's text) prints what is wanted; a rule, an
    exit status, or both are required."""

    kind = "adb_output"
    platforms = ("android",)
    adb_output: Annotated[str, Field(min_length=1)]
    """The command line, for the phone's sh."""
    exit_code: int | None = None
    """Also require this exit status."""

    def needs_rule(self) -> bool:
        return self.exit_code is None

    def failure(self, ctx: "TaskContext") -> str | None:
        r = android_driver(ctx, CheckError).shell(self.adb_output)
        if self.exit_code is not None and r.rc != self.exit_code:
            return f"`{self.adb_output}` on the phone exited {r.rc}, not {self.exit_code}"
        return self.mismatch(f"the output of `{self.adb_output}` on the phone", r.out)


class DeviceFile(TextMatch):
    """A file on the phone exists and, with a rule, its text keeps it."""

    kind = "device_file"
    platforms = ("android",)
    device_file: DevicePath
    """Absolute path on the phone."""

    def failure(self, ctx: "TaskContext") -> str | None:
        drv = android_driver(ctx, CheckError)
        if drv.shell("test -e " + q(self.device_file)).rc != 0:
            return f"{self.device_file} does not exist on the phone"
        if not self.has_rule():
            return None
        r = drv.shell("cat " + q(self.device_file))
        if r.rc != 0:
            raise CheckError(f"cannot read {self.device_file}: {(r.err or r.out).strip()}")
        return self.mismatch(f"{self.device_file} on the phone", r.out)


CHECKS = (Foreground, UiText, UiNode, Setting, AdbOutput, DeviceFile)
