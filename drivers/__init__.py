"""Drivers: the world an agent acts on (screens and input). Imports nothing of ours but itself.

    actions.py  the canonical actions (validated values); keys.py their key names
    base.py     the Driver protocol and the errors drivers raise
    desktop/    an X11 desktop (mss + pyautogui), opening apps, the clipboard, Xvfb
    android/    a phone over ADB (adbutils)
    settle.py   waiting until the screen is still
"""
