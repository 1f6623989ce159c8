"""Scoring an OSWorld task: its evaluator object as a Checker.

score(ctx) does what OSWorld's `DesktopEnv.evaluate` did:
1. run the `postconfig` steps (save the document, close the app...);
2. `infeasible` tasks score 1 exactly when the agent's last action said the task cannot be
   done (`done` with status 'failure'); any other task scores 0 after such an action;
3. for each metric, get `result` (and `expected` when given) with their getters and call
   `metric(result, expected, **options)`;
4. combine several metrics with `conj`: 'and' (default) is 0 as soon as one is 0, else their
   mean; 'or' is 1 as soon as one is 1, else their maximum.
A metric or getter that fails counts 0 and its reason is kept; when the final score is 0
because of such failures, CheckError carries the reasons. `parts(ctx)` gives each metric's
score of the last scoring (result.json `metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from ..task import CheckError, SetupError
from .registry import GETTERS, METRICS, resolve

if TYPE_CHECKING:
    from ..task import TaskContext


def said_infeasible(ctx: "TaskContext") -> bool:
    """Whether the agent's last action was `done` with status 'failure'."""
    last = ctx.last_action
    return getattr(last, "type", None) == "done" and getattr(last, "status", None) == "failure"


@dataclass
class MetricCall:
    """One metric with the getter objects that feed it and its options."""

    func: str
    result: dict | None = None
    expected: dict | None = None
    options: dict = field(default_factory=dict)


@dataclass
class OsworldChecker:
    """The evaluator of one OSWorld task (see the module docstring)."""

    calls: Sequence[MetricCall]
    conj: str = "and"
    postconfig: Sequence[Any] = ()

    @property
    def infeasible(self) -> bool:
        return len(self.calls) == 1 and self.calls[0].func == "infeasible"

    def score(self, ctx: "TaskContext") -> float:
        record = ctx.extra["osworld_metrics"] = []  # the metrics of this scoring only
        for step in self.postconfig:
            try:
                step.run(ctx)
            except SetupError as exc:
                raise CheckError(f"postconfig {type(step).__name__}: {exc}") from exc
        if self.infeasible:
            return 1.0 if said_infeasible(ctx) else 0.0
        if said_infeasible(ctx):
            return 0.0
        scores: list[float] = []
        errors: list[str] = []
        for call in self.calls:
            try:
                value = self._run_metric(ctx, call)
            except CheckError as exc:
                errors.append(f"{call.func}: {exc}")
                value = 0.0
            except Exception as exc:  # a metric reading a broken file: 0, with the reason kept
                errors.append(f"{call.func}: {type(exc).__name__}: {exc}")
                value = 0.0
            record.append({"func": call.func, "score": value})
            if self.conj == "and" and value == 0.0:
                return self._zero(errors)
            if self.conj == "or" and value == 1.0:
                return 1.0
            scores.append(value)
        final = sum(scores) / len(scores) if self.conj == "and" else max(scores)
        return final if final > 0 else self._zero(errors)

    def parts(self, ctx: "TaskContext") -> list[dict]:
        """Each metric's score in the last scoring: [{"func", "score"}] (empty for infeasible tasks)."""
        return [dict(m) for m in ctx.extra.get("osworld_metrics", [])]

    def explain(self, ctx: "TaskContext") -> str | None:
        """The metrics of the last scoring that did not give full marks (scoring is not rerun:
        post-config steps change the world)."""
        if self.infeasible:
            return "the agent did not say the task is infeasible"
        if said_infeasible(ctx):
            return "the agent said the task is infeasible; it is not"
        low = [f"{m['func']} scored {m['score']:g}" for m in ctx.extra.get("osworld_metrics", []) if m["score"] < 1]
        return "; ".join(low) or None

    @staticmethod
    def _zero(errors: list[str]) -> float:
        if errors:
            raise CheckError("; ".join(errors))
        return 0.0

    @staticmethod
    def _get(ctx: "TaskContext", config: dict | None) -> Any:
        if not config:
            return None
        return resolve(GETTERS[config["type"]])(ctx, config)

    def _run_metric(self, ctx: "TaskContext", call: MetricCall) -> float:
        metric = resolve(METRICS[call.func])
        result = self._get(ctx, call.result)
        if call.expected:
            value = metric(result, self._get(ctx, call.expected), **call.options)
        else:
            value = metric(result, **call.options)
        return float(value)
