"""`gui-agent batch --ray` where Ray cannot be used (not installed, no cluster at the address): one line, exit 2."""

from __future__ import annotations

import os
import subprocess

from tests.helpers.batch import ROOT, batch_argv, child_env, run_batch


def test_without_ray_the_option_says_how_to_install(tmp_path):
    # The edge: a Python where `import ray` fails, as in an install without the extra.
    shim = tmp_path / "shim" / "ray"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    env = {**child_env(), "PYTHONPATH": f"{tmp_path / 'shim'}{os.pathsep}{ROOT}"}
    done = subprocess.run(batch_argv(str(ROOT / "tasks/suites/desktop-basics"), "--out", str(tmp_path / "out"),
                                     "--replay", str(ROOT / "tasks/suites/desktop-basics/replay"), "--ray", "auto"),
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --ray needs Ray, which is not installed: pip install 'gui-agent[ray]'"]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*/*/result.json"))


def test_a_cluster_that_is_not_there_is_one_line(tmp_path):
    done = run_batch(str(ROOT / "tasks/suites/desktop-basics"), "--out", str(tmp_path / "out"), "--replay",
                     str(ROOT / "tasks/suites/desktop-basics/replay"), "--ray", "127.0.0.1:9", timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "--ray 127.0.0.1:9: cannot connect to the cluster" in done.stderr and "Traceback" not in done.stderr
