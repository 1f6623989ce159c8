"""Tasks: what to do and how to check it. Imports drivers, never agent.

    task.py     a task at run time: Task, TaskContext, the errors steps and checks raise
    spec.py     the YAML task file format (TaskSpec; all / any / not); load.py reads files
    kinds.py    what a set-up step or a check is, and the text rule checks share
    desktop.py  desktop steps and checks;  android/  the phone's
    home.py     the fresh HOME every task starts from
    osworld/    OSWorld's JSON tasks: loader, set-up steps, getters, metrics, file cache
"""
