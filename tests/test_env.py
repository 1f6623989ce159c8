"""GuiEnv on the real session display: one frozen StepResult per step feeds the history, the
trajectory line and the timings; checkers read the episode from the env; per-metric scores
reach result.json; reset starts clean."""

from __future__ import annotations

import dataclasses
import json

import pytest

from agent.env import GuiEnv, TaskNotStarted
from agent.steps import Turn
from drivers.actions import Answer, Done, Wait
from drivers.settle import SettleConfig
from tasks.load import load_tasks

FAST = SettleConfig(quiet_s=0.05, timeout_s=1)
pytestmark = pytest.mark.slow  # the real session display


def yaml_task(tmp_path, **fields):
    path = tmp_path / "task.yaml"
    path.write_text(json.dumps({"id": "t", "domain": "env", "instruction": "Do it.", **fields}))
    return load_tasks(path)[0]


def lines(folder):
    return [json.loads(line) for line in (folder / "traj.jsonl").read_text().splitlines()]


def test_one_frozen_step_result_feeds_history_trajectory_and_timings(desktop, tmp_path):
    task = yaml_task(tmp_path, checker={"file": "$WORKDIR/never.txt"}, limits={"max_steps": 3})
    env = GuiEnv(desktop, tmp_path / "out", settle_cfg=FAST)
    try:
        first = env.reset(task)
        assert first.size == desktop.screen_size
        results = [env.step(Turn((Wait(seconds=0.05 + i / 100),), raw_text=f"wait {i}", model_ms=1.5)) for i in range(3)]
    finally:
        env.close()
    assert env.history == results
    assert [r.done for r in results] == [False, False, True]
    assert (results[-1].status, results[-1].truncated, results[-1].terminated) == ("max_steps", True, False)
    assert results[0].observation is not None and results[0].screen_changed is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        results[0].reward = 1.0
    folder = tmp_path / "out/env/t"
    assert lines(folder) == [json.loads(json.dumps(r.record())) for r in results]
    result = json.loads((folder / "result.json").read_text())
    for key in ("model", "execute", "settle", "check"):
        assert result["timings_ms"][key] == pytest.approx(sum(r.ms.get(key, 0.0) for r in results), abs=0.2)
    assert result["steps"] == 3 and result["check_reason"].endswith("never.txt does not exist")


def test_the_checker_reads_the_answer_from_the_episode(desktop, tmp_path):
    task = yaml_task(tmp_path, checker={"answer": True, "equals": "42"})
    env = GuiEnv(desktop, tmp_path / "out", settle_cfg=FAST)
    try:
        env.reset(task)
        end = env.step(Turn((Answer(text="42"), Done())))
    finally:
        env.close()
    assert (end.status, end.terminated, end.reward) == ("done", True, 1.0)
    assert env.result.score == 1.0


def test_per_metric_scores_reach_result_json(desktop, tmp_path):
    from tests.helpers.osworld import task_dict, write_json

    command = {"type": "vm_command_line", "command": "printf a", "shell": True}
    data = task_dict("two-metrics", func=["exact_match", "exact_match"], conj="and", result=[command, command],
                     expected=[{"type": "rule", "rules": {"expected": v}} for v in ("a", "z")])
    [task] = load_tasks(write_json(tmp_path / "suite/os/two.json", data))
    env = GuiEnv(desktop, tmp_path / "out", settle_cfg=FAST, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    try:
        env.reset(task)
        end = env.step(Turn((Done(),)))
    finally:
        env.close()
    assert (end.status, end.reward) == ("done", 0.0)
    result = json.loads((tmp_path / f"out/{task.domain}/two-metrics/result.json").read_text())
    assert result["metrics"] == [{"func": "exact_match", "score": 1.0}, {"func": "exact_match", "score": 0.0}]
    assert result["check_reason"] == "exact_match scored 0"


def test_reset_starts_clean_and_keeps_the_last_attempt(desktop, tmp_path):
    task = yaml_task(tmp_path, setup=[{"command": "echo old > $WORKDIR/left.txt"}],
                     checker={"file": "$WORKDIR/never.txt"}, limits={"max_steps": 1})
    env = GuiEnv(desktop, tmp_path / "out", settle_cfg=FAST)
    try:
        env.reset(task)
        env.step(Turn((Wait(seconds=0.01),)))
        with pytest.raises(RuntimeError, match="call reset"):
            env.step(Turn((Wait(seconds=0.01),)))
        (tmp_path / "out/env/t/workdir/left.txt").write_text("changed by the first attempt")
        env.reset(task)
    finally:
        env.close()
    assert (tmp_path / "out/env/t/workdir/left.txt").read_text() == "old\n"
    assert (tmp_path / "out/.attempts/env/t/1/workdir/left.txt").read_text() == "changed by the first attempt"


def test_without_out_nothing_is_written_and_the_workdir_goes(desktop, tmp_path):
    task = yaml_task(tmp_path, setup=[{"command": "pwd > $WORKDIR/where.txt"}], limits={"max_steps": 1})
    env = GuiEnv(desktop, None, settle_cfg=FAST)
    try:
        env.reset(task)
        workdir = env._ctx.workdir
        assert (workdir / "where.txt").is_file()
        end = env.step(Turn((Done(),)))
    finally:
        env.close()
    assert (end.status, end.reward) == ("done", 1.0)  # no checker: the policy's own done decides
    assert not workdir.exists()


def test_a_task_that_cannot_start_is_recorded_and_raised(desktop, tmp_path):
    task = yaml_task(tmp_path, setup=[{"command": "exit 3"}])
    env = GuiEnv(desktop, tmp_path / "out", settle_cfg=FAST)
    with pytest.raises(TaskNotStarted) as caught:
        env.reset(task)
    env.close()
    assert caught.value.result.status == "setup_error"
    assert json.loads((tmp_path / "out/env/t/result.json").read_text())["status"] == "setup_error"
