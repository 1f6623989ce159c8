"""Task files: each kind of mistake gives one line naming file and field, exit 2, no traceback."""

import json

import pytest

from tasks.load import load_tasks
from tasks.task import TaskContext, TaskFileError
from tests.helpers.cli import gui_agent

GOOD = """
id: good-task
domain: tests
instruction: Write a file.
setup:
  - command: echo hi > $WORKDIR/x.txt
checker:
  all:
    - file: $WORKDIR/x.txt
      equals: hi
    - not: {file: $WORKDIR/missing}
    - any:
        - command: echo hello
          regex: "^hel+o$"
        - window: nothing-like-this
limits: {max_steps: 5}
"""

MISTAKES = [
    ("yaml", "id: x\ninstruction: [unclosed\n", "line 3: not valid YAML: expected"),
    ("not-mapping", "- a\n- b\n", "(top level): a task file must be a mapping"),
    ("missing-field", "id: x\n", "instruction: Field required"),
    ("unknown-field", "id: x\ninstruction: y\ncolour: red\n", "colour: Extra inputs are not permitted"),
    ("bad-id", "id: 'has space'\ninstruction: y\n", "id: String should match pattern"),
    ("unknown-step", "id: x\ninstruction: y\nsetup:\n  - teleport: here\n", "setup[0]: unknown step kind"),
    ("bad-step-value", "id: x\ninstruction: y\nsetup:\n  - sleep: soon\n", "setup[0].sleep: Input should be a valid number"),
    ("unknown-check", "id: x\ninstruction: y\nchecker:\n  smell: roses\n", "checker: unknown check kind"),
    ("two-rules", "id: x\ninstruction: y\nchecker:\n  file: /a\n  equals: b\n  contains: c\n",
     "checker: give one of equals / contains / regex, not equals and contains"),
    ("bad-regex", "id: x\ninstruction: y\nchecker:\n  command: 'true'\n  regex: '('\n", "does not compile"),
    ("nested", "id: x\ninstruction: y\nchecker:\n  all:\n    - file: /a\n    - window: 3\n",
     "checker.all[1].window: Input should be a valid string"),
    ("limits", "id: x\ninstruction: y\nlimits: {max_steps: 0}\n", "limits.max_steps: Input should be greater than or equal to 1"),
    ("platform", "id: x\ninstruction: y\nplatform: watch\n", "platform: Input should be 'desktop' or 'android'"),
]


def test_a_good_task_loads_and_its_checker_scores(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    (task,) = load_tasks(path)
    assert (task.id, task.domain, task.limits.max_steps) == ("good-task", "tests", 5)
    ctx = TaskContext(workdir=tmp_path, env={"WORKDIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert task.checker.score(ctx) == 0.0
    for step in task.setup:
        step.run(ctx)
    assert task.checker.score(ctx) == 1.0


@pytest.mark.parametrize("name,text,needle", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_named(tmp_path, name, text, needle):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    with pytest.raises(TaskFileError) as info:
        load_tasks(path)
    assert any(line.startswith(f"{path}: ") and needle in line for line in info.value.problems), info.value.problems


def test_check_reports_every_file_and_exits_2(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD)
    bad.write_text("id: x\ncolour: red\n")
    out = gui_agent("check", str(good), str(bad), str(tmp_path / "nope.yaml"))
    assert out.returncode == 2
    errors = out.stderr.strip().splitlines()
    assert errors == [
        f"error: {bad}: instruction: Field required",
        f"error: {bad}: colour: Extra inputs are not permitted",
        f"error: {tmp_path / 'nope.yaml'}: no such file or folder",
    ]
    assert f"ok: {good}: 1 task(s)" in out.stdout


def test_check_json_summary(tmp_path):
    (tmp_path / "good.yaml").write_text(GOOD)
    out = gui_agent("check", str(tmp_path), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary == {"tasks": 1, "valid": 1, "runnable": 1, "unsupported": {}}
    (tmp_path / "bad.yaml").write_text("id: x\ncolour: red\n")  # one file, two problems
    out = gui_agent("check", str(tmp_path), "--json")
    assert out.returncode == 2
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary == {"tasks": 2, "valid": 1, "runnable": 1, "unsupported": {}}


@pytest.mark.parametrize("args,needle", [
    (["run", "{bad}", "--policy", "script:x.jsonl"], "colour: Extra inputs are not permitted"),
    (["run", "do something"], "say who decides: --model ID_OR_PATH, or --policy script:FILE"),
    (["run", "do something", "--policy", "magic"], "--policy 'magic': expected script:FILE"),
    (["run", "do something", "--policy", "script:{missing}"], "cannot read"),
    (["replay", "{badactions}"], ":2: keys: unknown key 'hyper'"),
    (["run", "x", "--backend", "openai", "--model", "m", "--family", "qwen9"], "model: unknown model family 'qwen9'"),
    (["run", "x", "--backend", "openai", "--model", "m", "--model-option", "retries"], "expected KEY=VALUE"),
    (["run", "x", "--backend", "openai", "--model", "m", "--family", "qwen2-vl", "--model-option", "bogus=1"],
     "model: options not understood by the openai backend: bogus"),
    (["replay", "{actions}", "--driver", "desktop", "--serial", "abc"], "--serial is for the android driver"),
    (["replay", "{actions}", "--xvfb", "huge"], "'huge' is not a size like 1280x800"),
    (["replay", "{actions}", "--display", ":987"], "driver: cannot open X display :987"),
])
def test_cli_mistakes_are_one_line_and_exit_2(tmp_path, args, needle):
    files = {"bad": tmp_path / "bad.yaml", "missing": tmp_path / "missing.jsonl",
             "badactions": tmp_path / "bad.jsonl", "actions": tmp_path / "ok.jsonl"}
    files["bad"].write_text("id: x\ninstruction: y\ncolour: red\n")
    files["badactions"].write_text('{"type": "wait"}\n{"type": "key", "keys": ["hyper"]}\n')
    files["actions"].write_text('{"type": "wait", "seconds": 0}\n')
    out = gui_agent(*[a.format(**files) for a in args])
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], lines


def test_paths_expand_with_the_task_environment_not_ours(monkeypatch):
    monkeypatch.setenv("WORKDIR", "/ours")
    ctx = TaskContext(env={"WORKDIR": "/task", "HOME": "/home/task"})
    assert ctx.expand("$WORKDIR/a ${WORKDIR}b $UNSET") == "/task/a /taskb $UNSET"
    assert (ctx.expand("~/notes.txt"), ctx.expand("~"), ctx.expand("a~/b")) == ("/home/task/notes.txt", "/home/task", "a~/b")
