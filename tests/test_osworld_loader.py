"""Loading OSWorld task files: single files, folders, indexes, malformed files, and what a
task needs that this tool does not implement."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tasks.osworld import load_osworld, osworld_support, scan_osworld
from tasks.osworld.checker import OsworldChecker
from tasks.osworld.steps import Download, Launch, Open, PrepareHome, RequireResources
from tasks.task import TaskFileError
from tests.helpers.osworld import task_dict, write_json


def test_single_file_becomes_a_task(tmp_path):
    data = task_dict("abc")
    data["config"] = [
        {"type": "download", "parameters": {"files": [{"url": "https://h/x.xlsx", "path": "/home/user/x.xlsx"}]}},
        {"type": "open", "parameters": {"path": "/home/user/x.xlsx"}},
        {"type": "launch", "parameters": {"command": ["mousepad"]}},
    ]
    data["evaluator"] = {"func": "compare_table", "options": {"rules": [{"type": "sheet_data",
                                                                       "sheet_idx0": 0, "sheet_idx1": "EI0"}]},
                         "result": {"type": "vm_file", "path": "/home/user/x.xlsx", "dest": "x.xlsx"},
                         "expected": {"type": "cloud_file", "path": "https://h/gold.xlsx", "dest": "g.xlsx"}}
    path = write_json(tmp_path / "libreoffice_calc" / "abc.json", data)
    [task] = load_osworld(path)
    assert (task.id, task.domain, task.instruction, task.platform) == ("abc", "libreoffice_calc", "do abc", "desktop")
    assert [type(s) for s in task.setup] == [PrepareHome, RequireResources, Download, Open, Launch]
    assert task.meta["resources"] == ["https://h/x.xlsx", "https://h/gold.xlsx"]
    assert isinstance(task.checker, OsworldChecker)
    assert task.unsupported == []
    assert task.limits.check_every_step is False  # postconfig saves and closes things: score once
    assert task.source == str(path)


def test_folder_is_searched_recursively_and_index_files_are_skipped(tmp_path):
    write_json(tmp_path / "os" / "a.json", task_dict("a"))
    write_json(tmp_path / "deep" / "gimp" / "b.json", task_dict("b"))
    write_json(tmp_path / "test_all.json", {"os": ["a"]})
    write_json(tmp_path / "cache" / "abc" / "settings.json", {"editor.fontSize": 14})  # a cached download
    tasks = load_osworld(tmp_path)
    assert sorted((t.id, t.domain) for t in tasks) == [("a", "os"), ("b", "gimp")]


def test_index_reads_examples_beside_it_and_takes_domain_from_the_key(tmp_path):
    write_json(tmp_path / "examples" / "vlc" / "v1.json", task_dict("v1"))
    write_json(tmp_path / "examples" / "os" / "o1.json", task_dict("o1"))
    index = write_json(tmp_path / "test_small.json", {"vlc": ["v1"], "os": ["o1"]})
    assert [(t.id, t.domain) for t in load_osworld(index)] == [("v1", "vlc"), ("o1", "os")]


def test_a_missing_indexed_task_is_a_problem_line(tmp_path):
    write_json(tmp_path / "examples" / "os" / "o1.json", task_dict("o1"))
    index = write_json(tmp_path / "test_all.json", {"os": ["o1", "gone"]})
    with pytest.raises(TaskFileError) as err:
        load_osworld(index)
    assert err.value.problems == [f"{index}: os[1]: task file examples/os/gone.json not found"]
    scan = scan_osworld(index)
    assert [t.id for t in scan.tasks] == ["o1"]


MALFORMED = [
    ({"id": "", "instruction": "x", "evaluator": {"func": "infeasible"}}, "id: required, a non-empty string"),
    ({"id": "a", "evaluator": {"func": "infeasible"}}, "instruction: required, a non-empty string"),
    ({"id": "a", "instruction": "x"}, "evaluator: required"),
    ({**task_dict(), "config": {"type": "sleep"}}, "config: a list of set-up steps, not an object"),
    ({**task_dict(), "config": [{"parameters": {}}]}, "config[0].type: required"),
    ({**task_dict(), "config": [{"type": "sleep"}]}, "config[0].parameters: required, an object, not null"),
    ({**task_dict(), "config": [{"type": "sleep", "parameters": {"seconds": "2"}}]},
     "config[0].parameters.seconds: required, a number >= 0"),
    ({**task_dict(), "config": [{"type": "download", "parameters": {"files": [{"url": "u"}]}}]},
     "config[0].parameters.files[0].path: required, a non-empty string"),
    ({**task_dict(), "config": [{"type": "execute", "parameters": {"command": []}}]},
     "config[0].parameters.command: required, a string or a non-empty list of strings"),
    ({**task_dict(), "config": [{"type": "launch", "parameters": {"command": "x", "shell": "yes"}}]},
     "config[0].parameters.shell: true or false, not 'yes'"),
    ({**task_dict(), "config": [{"type": "activate_window", "parameters": {}}]},
     "config[0].parameters.window_name: required, a non-empty string"),
    (task_dict(func=7), "evaluator.func: required, a metric name or a non-empty list of them"),
    (task_dict(func=["exact_match", "exact_match"]), "evaluator.result: a list of 2 (one per func), not an object"),
    (task_dict(func=["exact_match", "exact_match"], result=[{"type": "rule", "rules": {}}],
               expected=[{"type": "rule", "rules": {}}] * 2), "evaluator.result: 1 entries for 2 funcs"),
    (task_dict(conj="xor"), "evaluator.conj: 'and' or 'or', not 'xor'"),
    (task_dict(result={"path": "x"}), "evaluator.result.type: required, a getter name"),
    (task_dict(result={"type": "vm_file", "path": ["a", "b"], "dest": ["a"], "multi": True}),
     "evaluator.result.dest: with multi, a list of file names as long as path"),
    (task_dict(result={"type": "vm_file", "path": "/home/user/a"}), "evaluator.result.dest: required, a file name"),
    (task_dict(options=[1]), "evaluator.options: an object of metric options, not a list"),
    (task_dict(postconfig=[{"type": "sleep", "parameters": {}}]),
     "evaluator.postconfig[0].parameters.seconds: required, a number >= 0"),
    ({k: v for k, v in task_dict().items() if k != "evaluator"} | {"evaluator": {"func": "exact_match"}},
     "evaluator.result: required for metric exact_match"),
    ([1, 2], "(file): a task is a JSON object, not a list"),
]


@pytest.mark.parametrize("data,why", MALFORMED, ids=[m[1][:40] for m in MALFORMED])
def test_each_malformed_file_is_named_with_field_and_reason(tmp_path, data, why):
    path = write_json(tmp_path / "os" / "bad.json", data)
    with pytest.raises(TaskFileError) as err:
        load_osworld(path)
    assert f"{path}: {why}" in [p[: len(f"{path}: {why}")] for p in err.value.problems]


def test_not_json_and_every_bad_file_of_a_folder_are_reported(tmp_path):
    (tmp_path / "os").mkdir()
    bad = tmp_path / "os" / "broken.json"
    bad.write_text('{"id": ')
    write_json(tmp_path / "os" / "good.json", task_dict("good"))
    write_json(tmp_path / "os" / "noid.json", {**task_dict(), "id": 3})
    scan = scan_osworld(tmp_path)
    assert [t.id for t in scan.tasks] == ["good"]
    assert scan.problems[0].startswith(f"{bad}: (file): not JSON: Expecting value at line 1")
    assert scan.problems[1] == f"{tmp_path / 'os' / 'noid.json'}: id: required, a non-empty string"
    with pytest.raises(TaskFileError) as err:
        load_osworld(tmp_path)
    assert len(err.value.problems) == 2


def test_string_true_for_shell_is_accepted_as_osworld_read_it(tmp_path):
    data = task_dict()
    data["config"] = [{"type": "execute", "parameters": {"command": "echo hi", "shell": "true"}}]
    assert load_osworld(write_json(tmp_path / "t.json", data))[0].unsupported == []


def test_unsupported_features_are_listed_not_errors(tmp_path):
    data = task_dict("u", func=["exact_match", "no_such_metric", "compare_table"],
                     result=[{"type": "rule", "rules": {}}, {"type": "googledrive_file"},
                             {"type": "vm_file", "path": "/home/user/a.xlsx", "dest": "a.xlsx"}],
                     expected=[{"type": "rule", "rules": {"expected": 1}}, None, None],
                     options=[{}, {}, {"rules": [{"type": "sparkline_magic"}, {"type": "sheet_data"}]}])
    data["config"] = [{"type": "googledrive", "parameters": {}},
                      {"type": "execute", "parameters": {"command": "echo {CLIENT_PASSWORD} | sudo -S true",
                                                         "shell": True}}]
    [task] = load_osworld(write_json(tmp_path / "t.json", data))
    assert task.unsupported == ["config:googledrive", "config:sudo", "getter:googledrive_file",
                                "metric:compare_table/sparkline_magic", "metric:no_such_metric"]


def test_support_report_counts_runnable_and_ranks_missing_features(tmp_path):
    write_json(tmp_path / "a.json", task_dict("a"))
    write_json(tmp_path / "b.json", task_dict("b", func="nope"))
    write_json(tmp_path / "c.json", {**task_dict("c", func="nope"),
                                     "config": [{"type": "login", "parameters": {}}]})
    report = osworld_support(load_osworld(tmp_path))
    assert report == {"tasks": 3, "valid": 3, "runnable": 1,
                      "unsupported": {"metric:nope": 2, "config:login": 1}}
    json.dumps(report)  # what `check --json` prints


def test_infeasible_tasks_need_no_result(tmp_path):
    data = {"id": "i", "instruction": "book a flight to Mars", "config": [],
            "evaluator": {"func": "infeasible"}}
    [task] = load_osworld(write_json(tmp_path / "i.json", data))
    assert task.unsupported == [] and task.meta["infeasible"] is True


def test_importing_the_package_loads_no_document_library(tmp_path):
    write_json(tmp_path / "a.json", task_dict("a", func="compare_table", options={"rules": []}))
    code = (f"import sys, tasks.osworld as o; o.load_osworld({str(tmp_path)!r}); "
            "print([m for m in ('pandas', 'openpyxl', 'docx', 'pptx', 'pypdf', 'rapidfuzz', 'PIL') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
