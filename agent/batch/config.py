"""What one batch run is asked to do: the tasks' paths, where results go, who decides, how many workers."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

SETUP_ALLOWANCE_S = 180.0
"""Added to a task's own `max_seconds` for set-up and checking when no --task-timeout is given."""


class ModelOptions(BaseModel):
    """The model options of `run`, passed through to agent.models.build_policy (None = its default)."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    """Hub id or local path of the model, or the served model's name."""
    backend: str | None = None
    """transformers or openai (the batch hands its workers `shared`: see model_host.py)."""
    family: str | None = None
    """Model family (a name of agent.models.families.FAMILY_NAMES); None = detected."""
    base_url: str | None = None
    """OpenAI-compatible endpoint."""
    api_key: str | None = None
    """Key for base_url."""
    min_pixels: int | None = None
    """Smallest image area the model sees, in pixels."""
    max_pixels: int | None = None
    """Largest image area the model sees, in pixels."""
    history_images: int | None = None
    """How many recent screenshots the model sees."""
    max_new_tokens: int | None = None
    """Longest reply the model may write, in tokens."""
    address: str | None = None
    """Socket of the machine's shared model process; set by the batch for its workers, never by users."""

    def build_kwargs(self) -> dict:
        """Keyword arguments for build_policy, without `model` and without unset values."""
        return {k: v for k, v in self.model_dump(exclude={"model"}).items() if v is not None}


class BatchConfig(BaseModel):
    """One batch: everything a worker needs to run any of its tasks, so it can be sent as JSON."""

    model_config = ConfigDict(extra="forbid")

    paths: list[Path] = Field(min_length=1)
    """Task files, folders or OSWorld indexes, as given on the command line."""
    out: Path
    """Results folder: OUT/<domain>/<task_id>/ and OUT/summary.json."""
    workers: int = Field(1, ge=1, le=64)
    """Worker processes, each with its own virtual display."""
    replay: Path | None = None
    """Folder of recorded trajectories DIR/<task_id>.jsonl; set = scripted policy, no model."""
    models: ModelOptions = Field(default_factory=ModelOptions)
    """Used when `replay` is not set."""
    cache_dir: Path | None = None
    """Local copies of files tasks download; None = a `cache/` folder inside a given suite folder."""
    task_timeout: float | None = Field(None, gt=0)
    """Hard wall-clock limit for one task in seconds, set-up and checking included; the worker
    running a task past it is killed and replaced. None = the task's max_seconds + SETUP_ALLOWANCE_S."""
    screen: tuple[int, int] = (1280, 800)
    """Width and height in pixels of each worker's virtual display."""
    window_manager: bool = True
    """Start a light window manager (openbox, when installed) on each worker's display."""
    retry: list[str] = Field(default_factory=list)
    """Statuses of finished tasks to run again (e.g. timeout, crashed); finished tasks are else skipped."""
    max_model_errors: int = Field(3, ge=1)
    """Stop the batch after this many tasks in a row could not ask their model (a server outage)."""
    ray: str | None = None
    """Address of a Ray cluster whose nodes host the workers ('auto': the one this machine is
    part of); None = worker processes on this machine."""
    ray_cpus: float = Field(1.0, gt=0)
    """CPUs Ray reserves for each worker (its display, apps and task), so it places no more
    workers on a node than the node's CPUs allow."""

    def timeout_for(self, max_seconds: float) -> float:
        """The hard limit in seconds for a task whose own limit is `max_seconds`."""
        return self.task_timeout if self.task_timeout is not None else max_seconds + SETUP_ALLOWANCE_S

    @property
    def workers_dir(self) -> Path:
        """Private folders of the workers (homes, logs), hidden from tools that list domains."""
        return self.out / ".workers"
