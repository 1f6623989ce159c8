#!/usr/bin/env bash
# Install everything gui-agent and its tests need on a fresh Debian/Ubuntu machine (run as root),
# into ./.venv. Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  xvfb xdotool xclip x11-utils openbox   # virtual displays, window queries, clipboard, a light WM
  scrot                                  # pyautogui.screenshot, the baseline of bench/step_overhead.py
  tmux                                   # terminals whose output OSWorld checkers read
  dbus-daemon at-spi2-core               # the accessibility tree OSWorld checkers read
  mousepad                               # the text editor the examples and tests drive
  chromium                               # browser tasks, and rendering the HTML report in tests
  libreoffice-calc libreoffice-writer    # office tasks of the suites
  libtk8.6                               # Tk for the tests' own app
  fonts-dejavu-core fonts-droid-fallback # glyphs for the Unicode the tests type
)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# torch first, pinned: a looser spec would pull a multi-GB CUDA build on a CPU machine.
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[dev]"
echo "gui-agent installed in $(pwd)/.venv"
