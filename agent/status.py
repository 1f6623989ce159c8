"""Every way a task can end, in one place: the loop's endings, the runner's and the batch's.

The same list, with the same words, is in README.md and docs/batch.md (a test keeps them equal).
A status is *final* when its task is done: result.txt is written and a resumed batch skips it.
A task that was interrupted, or could not ask its model at all, is not final: it has a
result.json saying why, no result.txt, and a re-run does it again.
"""

from __future__ import annotations

# The episode (agent/loop.py).
SUCCESS = "success"
DONE = "done"
INFEASIBLE = "infeasible"
CALL_USER = "call_user"
MAX_STEPS = "max_steps"
TIMEOUT = "timeout"
STUCK = "stuck"
FORMAT_ERRORS = "format_errors"
DRIVER_ERROR = "driver_error"
MODEL_ERROR = "model_error"
INTERRUPTED = "interrupted"
# Before or around the episode (agent/runner.py, agent/batch/).
SETUP_ERROR = "setup_error"
MISSING_RESOURCE = "missing_resource"
UNSUPPORTED = "unsupported"
NO_REPLAY = "no_replay"
CRASHED = "crashed"

MEANING: dict[str, str] = {
    SUCCESS: "the checker passed",
    DONE: "the policy said finished; scored by the checker",
    INFEASIBLE: "the policy said the task is impossible; scored by the checker",
    CALL_USER: "the policy handed control to a person",
    MAX_STEPS: "the step limit was reached",
    TIMEOUT: "the time limit was reached (in a batch also: the worker was killed at the hard limit)",
    STUCK: "the same action again and again with no screen change",
    FORMAT_ERRORS: "unparseable or out-of-range replies in a row; each reason was fed back to the model",
    DRIVER_ERROR: "the display or device was lost",
    MODEL_ERROR: "the model could not be asked (server down, out of memory): not final, redone on resume",
    INTERRUPTED: "Ctrl-C or a stop signal: not final, redone on resume",
    SETUP_ERROR: "a set-up step failed; the episode never started",
    MISSING_RESOURCE: "a file the task needs is not in the local cache",
    UNSUPPORTED: "the task needs a set-up step, getter or metric not implemented yet",
    NO_REPLAY: "batch --replay has no recorded trajectory for the task",
    CRASHED: "a bug in this tool or a worker process died; crash.txt has the traceback",
}
"""Each status and what it means, as the docs say it."""

ALL = tuple(MEANING)

NOT_FINAL = frozenset({MODEL_ERROR, INTERRUPTED})
"""Recorded (result.json) but not done (no result.txt): a re-run or resume does them again."""

SKIPPED = frozenset({UNSUPPORTED, MISSING_RESOURCE, NO_REPLAY})
"""Tasks that never started for a reason outside the agent; they score 0."""
