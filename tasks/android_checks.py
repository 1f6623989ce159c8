"""Checks for `platform: android` tasks: each looks at the phone and scores 0 or 1.

YAML form: a mapping whose first key is the kind, e.g.
    - foreground: com.android.settings
    - ui_text: Network & internet
    - setting: airplane_mode_on
      namespace: global
      equals: "1"
A check raises CheckError only when it cannot look (no android driver, uiautomator fails);
a world that is not as wanted scores 0.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from drivers.android_apps import full_activity
from drivers.android_text import q

from .android_steps import DevicePath, android_driver
from .spec_base import CheckSpec
from .task import CheckError

if TYPE_CHECKING:
    from .task import TaskContext

UI_DUMP_PATH = "/data/local/tmp/gui_agent_window.xml"


class _TextMatch(CheckSpec):
    """A check with at most one of the fields equals / contains / regex (Python syntax,
    searched anywhere). Subclasses declare those fields after their kind field, which
    must stay first."""

    @model_validator(mode="after")
    def _one_test(self):
        given = [n for n in ("equals", "contains", "regex") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of equals, contains, regex, not {', '.join(given)}")
        if not given and self._needs_test():
            raise ValueError("give one of equals, contains, regex")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex: {exc}") from None
        return self

    def _needs_test(self) -> bool:
        return False

    def matches(self, text: str) -> bool:
        """True when text passes the test given (trailing whitespace ignored for equals)."""
        if self.equals is not None:
            return text.rstrip() == self.equals.rstrip()
        if self.contains is not None:
            return self.contains in text
        if self.regex is not None:
            return re.search(self.regex, text) is not None
        return True


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


class Setting(_TextMatch):
    """`settings get NAMESPACE KEY` passes the test (equals / contains / regex)."""

    kind = "setting"
    platforms = ("android",)
    setting: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]+$")]
    """The setting's key, e.g. airplane_mode_on."""
    namespace: Literal["system", "secure", "global"] = "system"
    """Which settings table."""
    equals: str | None = None
    """Text equals this (trailing whitespace ignored)."""
    contains: str | None = None
    """Text contains this."""
    regex: str | None = None
    """This regular expression matches somewhere in the text."""

    def _needs_test(self) -> bool:
        return True

    def score(self, ctx: "TaskContext") -> float:
        r = android_driver(ctx, CheckError).shell(f"settings get {self.namespace} {q(self.setting)}")
        if r.rc != 0:
            raise CheckError(f"settings get {self.namespace} {self.setting}: {(r.err or r.out).strip()}")
        return float(self.matches(r.out.rstrip("\n")))


class AdbOutput(_TextMatch):
    """A shell command on the phone (the task author's text) prints what is wanted."""

    kind = "adb_output"
    platforms = ("android",)
    adb_output: Annotated[str, Field(min_length=1)]
    """The command line, for the phone's sh."""
    exit_code: int | None = None
    """Also require this exit status."""
    equals: str | None = None
    """Text equals this (trailing whitespace ignored)."""
    contains: str | None = None
    """Text contains this."""
    regex: str | None = None
    """This regular expression matches somewhere in the text."""

    def _needs_test(self) -> bool:
        return self.exit_code is None

    def score(self, ctx: "TaskContext") -> float:
        r = android_driver(ctx, CheckError).shell(self.adb_output)
        if self.exit_code is not None and r.rc != self.exit_code:
            return 0.0
        return float(self.matches(r.out))


class DeviceFile(_TextMatch):
    """A file on the phone exists and, if a test is given, its text passes it."""

    kind = "device_file"
    platforms = ("android",)
    device_file: DevicePath
    """Absolute path on the phone."""
    equals: str | None = None
    """Text equals this (trailing whitespace ignored)."""
    contains: str | None = None
    """Text contains this."""
    regex: str | None = None
    """This regular expression matches somewhere in the text."""

    def score(self, ctx: "TaskContext") -> float:
        drv = android_driver(ctx, CheckError)
        if drv.shell("test -e " + q(self.device_file)).rc != 0:
            return 0.0
        if self.equals is None and self.contains is None and self.regex is None:
            return 1.0
        r = drv.shell("cat " + q(self.device_file))
        if r.rc != 0:
            raise CheckError(f"cannot read {self.device_file}: {(r.err or r.out).strip()}")
        return float(self.matches(r.out))


CHECKS = (Foreground, UiText, UiNode, Setting, AdbOutput, DeviceFile)
