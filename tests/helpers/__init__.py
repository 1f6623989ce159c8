"""Plain helpers the tests share (fixtures live in tests/conftest.py):

    cli.py          the real `gui-agent` command in a child process
    tk.py           the Tk test app on the session display, and that display's size
    conformance.py  the check every driver must pass
    batch.py        task files written on the spot, `gui-agent batch` runs, what they left
    osworld.py      OSWorld-format task files, documents, a task context with its own HOME
"""
