"""An X desktop: the desktop driver and the pieces it is built from.

    driver.py     DesktopDriver: mss screenshots, pyautogui (XTEST) input, HiDPI mapping
    xinput.py     pyautogui on a chosen X display (several displays in one process)
    apps.py       opening an installed app by name (.desktop entries, never a shell)
    clipboard.py  the X clipboard (xclip/xsel), how Unicode text is typed
    xvfb.py       a private X server for tests, demos and batch workers

mss and pyautogui are imported when a driver starts, not here.
"""

from .driver import DesktopDriver

__all__ = ["DesktopDriver"]
