"""The last set-up step of every batch task: wait until the screen has settled.

A set-up step that waits for a window returns as soon as the window exists, often before the
app has painted it (LibreOffice shows a grey frame for ~0.6 s, then its sheet). The first
screenshot would then show nothing the agent can act on. OSWorld sleeps a fixed 60 s here; this
waits until the screen stays still for `quiet_s`, which is about 1-2 s for the apps we run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from drivers.settle import SettleConfig, settle

if TYPE_CHECKING:
    from tasks.task import Task, TaskContext


@dataclass
class SettleAfterSetup:
    """A SetupStep: capture until nothing changes for `quiet_s` seconds (or `timeout_s` pass)."""

    quiet_s: float = 1.0
    """Longer than per-action settling: starting apps pause between their first and real paint."""
    timeout_s: float = 30.0
    """An animated screen never settles; go on after this long."""
    ms: float | None = None
    """Milliseconds the last run waited (None when it did not run: set-up failed before it)."""

    def run(self, ctx: "TaskContext") -> None:
        if ctx.driver is None:
            return
        done = settle(ctx.driver.screenshot, None, SettleConfig(quiet_s=self.quiet_s, timeout_s=self.timeout_s))
        self.ms = ctx.extra["setup_settle_ms"] = round(done.ms, 1)


def with_settle(task: "Task") -> tuple["Task", SettleAfterSetup]:
    """A copy of `task` whose set-up ends with a SettleAfterSetup, and that step (to read its
    `ms` after the run). The original task is not changed."""
    step = SettleAfterSetup()
    return replace(task, setup=[*task.setup, step]), step
