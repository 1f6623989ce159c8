"""Set-up steps and checks for tasks with `platform: android` (filled in with the Android driver)."""

from __future__ import annotations

ANDROID_STEPS: tuple = ()
ANDROID_CHECKS: tuple = ()
