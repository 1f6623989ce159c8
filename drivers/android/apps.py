"""Finding an app by the name a model or a task gives, and reading which app is in front.

A phone's shell cannot print apps' display labels (they live in each APK's resources), so
a name is resolved, in order, as: a component `pkg/Activity`; an installed package; a
launcher activity whose non-localized label equals the name; a table of common app names
(`COMMON_APPS`); a launchable package one of whose dotted parts equals the name with its
spaces removed (`"Google Maps"` -> `...maps`); a prefix (MIN_PREFIX characters or more) of a
label or of a package's last part. In each of these ways, several different apps matching is
refused with their packages named, never settled by picking the first; a name that matches
inside a word (`sh` in `...fresh`) matches nothing. The name itself never goes into a command:
only package and activity names read back from the phone, and only ones that match
`PACKAGE_RE` / `COMPONENT_RE`, are ever sent (quoted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PACKAGE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$")
COMPONENT_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)/([A-Za-z0-9_.$]+)$")
MIN_PREFIX = 3
"""Shortest name matched as a prefix: a one- or two-letter guess must not pick an app."""
HINT_NAMES = 8
"""Launchable apps named in the refusal of a name that matches nothing."""

LAUNCHER_QUERY = ("cmd package query-activities -a android.intent.action.MAIN "
                  "-c android.intent.category.LAUNCHER")

# Names people and models use for stock apps -> packages to try, most common first.
COMMON_APPS: dict[str, tuple[str, ...]] = {
    "settings": ("com.android.settings",),
    "chrome": ("com.android.chrome",), "browser": ("com.android.chrome", "com.android.browser"),
    "camera": ("com.android.camera2", "com.google.android.GoogleCamera", "com.android.camera"),
    "clock": ("com.google.android.deskclock", "com.android.deskclock"),
    "contacts": ("com.google.android.contacts", "com.android.contacts"),
    "phone": ("com.google.android.dialer", "com.android.dialer"),
    "dialer": ("com.google.android.dialer", "com.android.dialer"),
    "messages": ("com.google.android.apps.messaging", "com.android.messaging", "com.android.mms"),
    "sms": ("com.google.android.apps.messaging", "com.android.messaging", "com.android.mms"),
    "gmail": ("com.google.android.gm",), "email": ("com.google.android.gm", "com.android.email"),
    "maps": ("com.google.android.apps.maps",), "google maps": ("com.google.android.apps.maps",),
    "youtube": ("com.google.android.youtube",),
    "play store": ("com.android.vending",), "google play": ("com.android.vending",),
    "photos": ("com.google.android.apps.photos",), "gallery": ("com.google.android.apps.photos",
                                                               "com.android.gallery3d"),
    "calendar": ("com.google.android.calendar", "com.android.calendar"),
    "files": ("com.google.android.documentsui", "com.android.documentsui"),
    "calculator": ("com.google.android.calculator", "com.android.calculator2"),
    "files by google": ("com.google.android.apps.nbu.files",),
    "google": ("com.google.android.googlequicksearchbox",),
    "keep": ("com.google.android.keep",), "google keep": ("com.google.android.keep",),
    "drive": ("com.google.android.apps.docs",), "recorder": ("com.google.android.apps.recorder",),
}


@dataclass(frozen=True)
class Launchable:
    """A launcher activity: package, fully qualified activity class, label if the phone printed one."""

    package: str
    activity: str
    label: str | None = None

    @property
    def component(self) -> str:
        return f"{self.package}/{self.activity}"


def parse_launchables(text: str) -> list[Launchable]:
    """Launcher activities from `cmd package query-activities` (full, not --brief, output)."""
    found = []
    for block in re.split(r"\n\s*Activity #\d+:", "\n" + text)[1:]:
        pkg = re.search(r"\bpackageName=([\w.]+)", block)
        name = re.search(r"^\s*name=([\w.$]+)\s*$", block, re.M)
        label = re.search(r"nonLocalizedLabel=(.*?)(?:\s+icon=|\s*$)", block, re.M)
        if not (pkg and name):
            continue
        text_label = label.group(1).strip() if label else None
        found.append(Launchable(pkg.group(1), name.group(1),
                                None if text_label in (None, "", "null") else text_label))
    return found


def parse_packages(text: str) -> set[str]:
    """Package names from `pm list packages` (`package:com.x` lines)."""
    return {ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("package:")}


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def _one(name: str, group: list[Launchable]) -> tuple[str, str | None] | None:
    """The app of `group` (None when empty); LookupError when it holds several packages."""
    packages = sorted({lc.package for lc in group})
    if len(packages) > 1:
        raise LookupError(f"several apps could be {name!r}: {', '.join(packages)}; give the package")
    return (group[0].package, group[0].component) if group else None


def resolve(name: str, packages: set[str], launchables: list[Launchable]) -> tuple[str, str | None]:
    """(package, component or None) for `name`; LookupError naming candidates when unsure."""
    name = name.strip()
    if not name:
        raise LookupError("open_app needs the name or package of an app; the name given is blank")
    m = COMPONENT_RE.match(name)
    if m and m.group(1) in packages:
        return m.group(1), name
    by_pkg = {lc.package: lc for lc in launchables}
    if PACKAGE_RE.match(name) and name in packages:
        return name, by_pkg[name].component if name in by_pkg else None
    key = _norm(name)
    found = _one(name, [lc for lc in launchables if lc.label and _norm(lc.label) == key])
    if found:
        return found
    for pkg in COMMON_APPS.get(key, ()):
        if pkg in packages:
            return pkg, by_pkg[pkg].component if pkg in by_pkg else None
    compact = key.replace(" ", "")
    last_part = {lc.package: lc.package.lower().rsplit(".", 1)[-1] for lc in launchables}
    groups = [[lc for lc in launchables if last_part[lc.package] == compact],
              [lc for lc in launchables if compact in lc.package.lower().split(".")[1:]]]
    if len(key) >= MIN_PREFIX:
        groups.append([lc for lc in launchables if (lc.label and _norm(lc.label).startswith(key))
                       or last_part[lc.package].startswith(compact)])
    for group in groups:
        found = _one(name, group)
        if found:
            return found
    known = sorted({lc.label or lc.package for lc in launchables}, key=str.casefold)
    hint = f"; apps here: {', '.join(known[:HINT_NAMES])}" + (" ..." if len(known) > HINT_NAMES else "")
    raise LookupError(f"no app called {name!r} on the phone; open_app takes an app's name or "
                      f"its package (e.g. com.android.settings){hint if known else ''}")


_RESUMED = re.compile(r"(?:mResumedActivity|topResumedActivity|ResumedActivity)[:=]\s*"
                      r"ActivityRecord\{\S+ \S+ ([\w.]+)/([\w.$]+)")
_FOCUS = re.compile(r"mCurrentFocus=Window\{\S+ \S+ ([\w.]+)/([\w.$]+)")


def full_activity(package: str, activity: str) -> str:
    """`.Settings` -> `com.android.settings.Settings`; a full class name stays as it is."""
    return package + activity if activity.startswith(".") else activity


def parse_foreground(activities: str, window: str = "") -> tuple[str, str] | None:
    """(package, full activity class) in front, from `dumpsys activity activities`, else
    `dumpsys window`'s focused window; None when neither names one."""
    m = _RESUMED.search(activities) or _FOCUS.search(window)
    return (m.group(1), full_activity(m.group(1), m.group(2))) if m else None
