"""`gui-agent batch` on real apps (Mousepad, LibreOffice Calc, Chromium) through the real runner:
recorded trajectories score 1, wrong ones 0, infeasible tasks, skips with reasons, two workers on
two displays at once, the OSWorld results layout and summary.json."""

from __future__ import annotations

import json

import pytest

from tests.helpers.batch import leftovers, needs_apps, needs_suite_apps

pytestmark = [pytest.mark.slow, needs_apps, needs_suite_apps]

SOLVED = {"mousepad/mousepad-list": "success", "mousepad/mousepad-fix-typo": "success",
          "chrome/chrome-signup-form": "success", "libreoffice_calc/calc-order-totals": "done",
          "os/os-infeasible-font": "infeasible"}
FAILED = {"mousepad/mousepad-list-wrong": "max_steps",  # its 8 actions use up the task's 8 steps
          "libreoffice_calc/calc-order-totals-wrong": "done", "os/os-infeasible-claimed": "done"}
SKIPPED = {"libreoffice_calc/calc-uncached": ("missing_resource", "https://files.example.invalid/absent.xlsx"),
           "os/os-odd-metric": ("unsupported", "metric:compare_quantum_states"),
           "notes/notes-no-replay": ("no_replay", "notes-no-replay.jsonl")}


@pytest.fixture(scope="module")
def run(mixed_suite):
    return mixed_suite


def test_the_batch_ran_to_the_end(run):
    assert run.proc.returncode == 0, run.proc.stderr[-3000:]
    assert "11 tasks: 0 already finished, 2 to skip, 9 to run with 2 worker(s)" in run.proc.stderr
    assert set(run.results) == set(SOLVED) | set(FAILED) | set(SKIPPED)


def test_recorded_trajectories_solve_their_tasks(run):
    got = {k: (run.results[k]["status"], run.results[k]["txt"]) for k in SOLVED}
    errors = {k: run.results[k]["error"] for k in SOLVED if run.results[k]["error"]}
    assert got == {k: (status, 1.0) for k, status in SOLVED.items()}, errors


def test_wrong_trajectories_score_zero(run):
    got = {k: (run.results[k]["status"], run.results[k]["txt"]) for k in FAILED}
    assert got == {k: (status, 0.0) for k, status in FAILED.items()}


def test_skipped_tasks_say_why(run):
    for key, (status, reason) in SKIPPED.items():
        r = run.results[key]
        assert (r["status"], r["txt"], r["final"]) == (status, 0.0, True), key
        assert reason in r["error"], (key, r["error"])
    summary = json.loads((run.out / "summary.json").read_text())
    listed = {f"{s['domain']}/{s['task_id']}": s["status"] for s in summary["skipped_tasks"]}
    assert listed == {k: v[0] for k, v in SKIPPED.items()}


def test_results_are_in_the_osworld_layout(run):
    for key, r in run.results.items():
        folder = run.out / key
        assert r["final"] and (folder / "result.txt").read_text().strip() == str(float(r["score"]))
        if r["status"] in ("missing_resource", "unsupported", "no_replay"):
            continue
        steps = [json.loads(line) for line in (folder / "traj.jsonl").read_text().splitlines()]
        assert len(steps) == r["steps"] >= 1, key
        for i, step in enumerate(steps):
            assert step["step"] == i and (folder / step["screenshot"]).is_file()
            assert {"capture", "model", "execute", "settle"} <= set(step["ms"])
        assert r["worker"] in (0, 1) and r["display"].startswith(":") and r["policy"].startswith("script:")
    assert not list(run.out.glob("*/*/.*.tmp")), "a temporary file was left behind"


def test_two_workers_ran_at_once_on_two_displays(run):
    ran = [r for r in run.results.values() if "worker" in r]
    by_worker = {r["worker"]: r["display"] for r in ran}
    assert set(by_worker) == {0, 1} and len(set(by_worker.values())) == 2
    busy = sum(r["duration_s"] for r in ran)
    summary = json.loads((run.out / "summary.json").read_text())
    assert summary["duration_s"] < 0.8 * busy, (summary["duration_s"], busy)


def test_summary_counts_by_domain_and_status(run):
    s = json.loads((run.out / "summary.json").read_text())
    assert (s["tasks"], s["finished"], s["pending"], s["solved"], s["skipped"]) == (11, 11, 0, 5, 3)
    assert s["score"] == 5 and s["success_rate"] == round(5 / 11, 4) and s["success_rate_ran"] == round(5 / 8, 4)
    assert s["by_domain"]["libreoffice_calc"] == {
        "tasks": 3, "finished": 3, "pending": 0, "solved": 1, "skipped": 1, "score": 1.0,
        "success_rate": round(1 / 3, 4), "success_rate_ran": 0.5}
    assert s["by_status"] == {"done": 3, "success": 3, "max_steps": 1, "infeasible": 1, "missing_resource": 1,
                              "unsupported": 1, "no_replay": 1}
    assert s["interrupted"] is False and s["workers"] == 2
    assert "libreoffice_calc" in run.proc.stdout and "summary:" in run.proc.stdout


def test_nothing_is_left_running_and_worker_homes_are_gone(run):
    assert not leftovers(run.proc.pid), "a worker, display or app outlived the batch"
    assert not list((run.out / ".workers").glob("*/home"))
    assert "done libreoffice_calc/calc-order-totals" in "".join(
        p.read_text() for p in (run.out / ".workers").glob("*/worker.log"))
