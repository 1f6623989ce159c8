"""OSWorld compatibility: its task files become our Tasks, its evaluators our checkers.

    from tasks.osworld import load_osworld, scan_osworld, osworld_support

`load_osworld(path)` takes a task file, a folder of them, or an index (test_all.json) and
returns Tasks or raises TaskFileError; `scan_osworld(path)` returns what loaded and the
problems instead of raising; `osworld_support(tasks)` gives the figures for `check --json`.
Importing this package imports no document libraries (see docs/osworld.md).
"""

from .loader import OsworldScan, build_task, is_index, load_osworld, scan_osworld
from .support import osworld_support

__all__ = ["OsworldScan", "build_task", "is_index", "load_osworld", "osworld_support", "scan_osworld"]
