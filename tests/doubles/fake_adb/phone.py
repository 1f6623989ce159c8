"""The state of one fake phone and the frames it serves.

A FakePhone holds what tests look at afterwards: the app in front, the text typed so far,
input events, input methods, settings, files, and the screen (an upright RGB image of the
display in its current orientation). Shell commands are carried out by
commands.run_line, which mutates this state.
"""

from __future__ import annotations

import functools
import io
import struct
import threading
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

LATIN_IME = "com.android.inputmethod.latin/.LatinIME"
ADB_IME = "com.android.adbkeyboard/.AdbIME"
LAUNCHER = "com.google.android.apps.nexuslauncher"


@dataclass
class App:
    """An installed package; `activity` is its launcher activity (None: not launchable)."""

    package: str
    activity: str | None = None
    label: str | None = None


DEFAULT_APPS = [
    App(LAUNCHER, "com.google.android.apps.nexuslauncher.NexusLauncherActivity"),
    App("com.android.settings", "com.android.settings.Settings"),
    App("com.android.chrome", "com.google.android.apps.chrome.Main"),
    App("com.google.android.apps.maps", "com.google.android.maps.MapsActivity"),
    App("com.google.android.deskclock", "com.android.deskclock.DeskClock"),
    App("org.example.notes", "org.example.notes.MainActivity", label="Field Notes"),
    App("com.android.providers.settings"),
]

UI_XML = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation="0">
<node index="0" text="" resource-id="" class="android.widget.FrameLayout" package="com.android.settings" content-desc="" checkable="false" checked="false" clickable="false" bounds="[0,0][1080,2400]">
<node index="0" text="Network &amp; internet" resource-id="android:id/title" class="android.widget.TextView" package="com.android.settings" content-desc="" checkable="false" checked="false" clickable="true" bounds="[189,600][700,660]" />
<node index="1" text="" resource-id="com.android.settings:id/switch_widget" class="android.widget.Switch" package="com.android.settings" content-desc="Wi-Fi" checkable="true" checked="true" clickable="true" bounds="[900,700][1040,780]" />
</node></hierarchy>"""


@functools.lru_cache(maxsize=16)
def pattern(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """A screen whose every region differs: gradients plus a few solid blocks, RGB.
    Cached: treat it as read-only."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    arr = np.stack([(x * 255 // max(1, w - 1)), (y * 255 // max(1, h - 1)),
                    ((x // 37 + y // 53 + seed) % 7) * 36], axis=-1).astype(np.uint8)
    arr[h // 10:h // 10 + 40, w // 10:w // 10 + 60] = (255, 0, 0)
    arr[h // 2:h // 2 + 30, w - 80:w - 20] = (0, 0, 255)
    return Image.fromarray(arr, "RGB")


@dataclass
class FakePhone:
    """One device. `natural` is the physical panel size in its natural orientation."""

    serial: str
    natural: tuple[int, int] = (1080, 2400)
    sdk: int = 34
    state: str = "device"
    present: bool = True
    override: tuple[int, int] | None = None
    rotation: int = 0
    rotated_frames: bool = True
    """screencap gives upright frames (most phones); False: frames in the panel's orientation."""
    raw_header: int = 16
    pixel_format: int = 1
    raw_works: bool = True
    screencap_prefix: bytes = b""
    png_level: int = 1
    """zlib level of `screencap -p` frames (phones use about 6; 1 keeps tests quick)."""
    old_dumpsys: bool = False
    apps: list[App] = field(default_factory=lambda: list(DEFAULT_APPS))
    foreground: tuple[str, str] = (LAUNCHER, "com.google.android.apps.nexuslauncher.NexusLauncherActivity")
    text: str = ""
    events: list[tuple] = field(default_factory=list)
    imes: list[str] = field(default_factory=lambda: [LATIN_IME])
    enabled_imes: list[str] = field(default_factory=lambda: [LATIN_IME])
    settings: dict[tuple[str, str], str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=lambda: {"/", "/sdcard", "/data", "/data/local", "/data/local/tmp"})
    ui_xml: str = UI_XML
    commands: list[str] = field(default_factory=list)
    screen: Image.Image | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    _frames: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.settings.setdefault(("secure", "default_input_method"), LATIN_IME)
        if self.screen is None:
            self.screen = pattern(self.logical_frame_size())

    # --- screen ------------------------------------------------------------------------------
    def logical_frame_size(self) -> tuple[int, int]:
        """Size of an upright frame: the physical panel, turned with the display."""
        w, h = self.natural
        return (w, h) if self.rotation % 2 == 0 else (h, w)

    def set_rotation(self, rotation: int, screen: Image.Image | None = None) -> None:
        with self.lock:
            self.rotation = rotation % 4
            self.screen = screen or pattern(self.logical_frame_size(), seed=rotation)

    def install_adb_keyboard(self) -> None:
        with self.lock:
            if ADB_IME not in self.imes:
                self.imes.append(ADB_IME)

    def frame(self) -> Image.Image:
        """The frame screencap captures: upright, or in the panel's orientation if not rotated_frames."""
        if self.rotated_frames or self.rotation % 2 == 0:
            return self.screen
        # Inverse of the driver's convention: rotation 1 shows the UI turned clockwise.
        return self.screen.transpose(Image.Transpose.ROTATE_270 if self.rotation == 1
                                     else Image.Transpose.ROTATE_90)

    def _cached(self, kind: str, make) -> bytes:
        # Frames are cached per screen state so a benchmark times the transport, not the fake.
        key = (id(self.screen), self.rotation, self.rotated_frames, self.pixel_format,
               self.raw_header, self.screencap_prefix, self.png_level)
        if self._frames.get("key") != key:
            self._frames.clear()
            self._frames["key"] = key
        if kind not in self._frames:
            self._frames[kind] = make()
        return self._frames[kind]

    def raw_frame(self) -> bytes:
        return self._cached("raw", self._raw_frame)

    def png_frame(self) -> bytes:
        return self._cached("png", self._png_frame)

    def _raw_frame(self) -> bytes:
        img = self.frame()
        w, h = img.size
        rgb = np.asarray(img, dtype=np.uint8)
        if self.pixel_format in (1, 2, 5):
            alpha = np.full((h, w, 1), 255 if self.pixel_format != 2 else 0, np.uint8)
            px = rgb[..., ::-1] if self.pixel_format == 5 else rgb
            body = np.concatenate([px, alpha], axis=-1).tobytes()
        elif self.pixel_format == 3:
            body = rgb.tobytes()
        else:  # RGB_565
            c = rgb.astype(np.uint16)
            body = (((c[..., 0] >> 3) << 11) | ((c[..., 1] >> 2) << 5) | (c[..., 2] >> 3)).astype("<u2").tobytes()
        header = struct.pack("<III", w, h, self.pixel_format)
        if self.raw_header == 16:
            header += struct.pack("<I", 1)  # colour space: sRGB
        return self.screencap_prefix + header + body

    def _png_frame(self) -> bytes:
        buf = io.BytesIO()
        self.frame().save(buf, format="PNG", compress_level=self.png_level)
        return self.screencap_prefix + buf.getvalue()

    # --- lookups -------------------------------------------------------------------------------
    def app(self, package: str) -> App | None:
        return next((a for a in self.apps if a.package == package), None)

    def ime(self) -> str:
        return self.settings.get(("secure", "default_input_method"), "null")
