"""OSWorld getters: each reads one piece of the world, `getter(ctx, config) -> value`.

`config` is the getter object from the task file (`{"type": "vm_file", "path": ..., ...}`).
A file getter returns the path of a copy in the evaluation folder, or None for a file that
does not exist (metrics score None as 0, as OSWorld's do). The registry is in ../registry.py.
"""
