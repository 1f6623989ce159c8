"""Set-up steps and checks for tasks with `platform: android`.

The kinds (the first key of each YAML mapping) are:
  steps:  launch_app, force_stop, clear_data, push_file, adb_shell, go_home   (steps.py)
  checks: foreground, ui_text, ui_node, setting, adb_output, device_file      (checks.py)
docs/android.md has the reference with examples.
"""

from __future__ import annotations

from .checks import CHECKS
from .steps import STEPS

ANDROID_STEPS: tuple = STEPS
ANDROID_CHECKS: tuple = CHECKS
