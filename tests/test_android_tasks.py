"""Android set-up steps and checks, on the fake phone through the real driver, and as YAML."""

from __future__ import annotations

import textwrap

import pytest
from pydantic import ValidationError

from tasks.android.checks import AdbOutput, DeviceFile, Foreground, Setting, UiNode, UiText
from tasks.android.steps import AdbShell, ClearData, ForceStop, GoHome, LaunchApp, PushFile
from tasks.task import CheckError, SetupError, TaskContext, TaskFileError
from tests.doubles.fake_adb.phone import LAUNCHER


@pytest.fixture
def ctx(android, tmp_path):
    return TaskContext(driver=android, workdir=tmp_path, env={"HOME": str(tmp_path), "DATA": str(tmp_path)})


def test_launch_force_stop_go_home(ctx, phone):
    LaunchApp(launch_app="Settings", wait_s=0).run(ctx)
    assert phone.foreground[0] == "com.android.settings"
    assert Foreground(foreground="com.android.settings").score(ctx) == 1.0
    assert Foreground(foreground="com.android.settings/.Settings").score(ctx) == 1.0
    assert Foreground(foreground="com.android.settings/com.android.settings.Settings").score(ctx) == 1.0
    assert Foreground(foreground="com.android.settings/.Other").score(ctx) == 0.0
    ForceStop(force_stop="com.android.settings").run(ctx)
    assert ("force-stop", "com.android.settings") in phone.events
    assert Foreground(foreground="com.android.settings").score(ctx) == 0.0
    LaunchApp(launch_app="com.android.chrome", wait_s=0).run(ctx)
    GoHome().run(ctx)
    assert phone.foreground[0] == LAUNCHER


def test_launch_unknown_app_is_a_setup_error(ctx):
    with pytest.raises(SetupError, match="no app called 'Nope'"):
        LaunchApp(launch_app="Nope", wait_s=0).run(ctx)


def test_clear_data(ctx, phone):
    phone.files["/data/data/org.example.notes/db"] = b"x"
    ClearData(clear_data="org.example.notes").run(ctx)
    assert "/data/data/org.example.notes/db" not in phone.files
    with pytest.raises(SetupError, match="pm clear said 'Failed'"):
        ClearData(clear_data="org.example.missing").run(ctx)


def test_push_file_and_device_file_checks(ctx, phone, tmp_path):
    (tmp_path / "notes.txt").write_bytes("héllo\nworld\n".encode())
    PushFile(push_file="$DATA/notes.txt", to="/sdcard/Download/notes.txt").run(ctx)
    assert phone.files["/sdcard/Download/notes.txt"] == "héllo\nworld\n".encode()
    assert "/sdcard/Download" in phone.dirs
    PushFile(push_file="notes.txt", to="/sdcard/rel.txt").run(ctx)  # relative to the workdir
    assert phone.files["/sdcard/rel.txt"] == phone.files["/sdcard/Download/notes.txt"]
    assert DeviceFile(device_file="/sdcard/Download/notes.txt").score(ctx) == 1.0
    assert DeviceFile(device_file="/sdcard/Download/notes.txt", contains="world").score(ctx) == 1.0
    assert DeviceFile(device_file="/sdcard/Download/notes.txt", equals="héllo\nworld").score(ctx) == 1.0
    assert DeviceFile(device_file="/sdcard/Download/notes.txt", regex=r"^h.llo$").score(ctx) == 1.0  # a line
    assert DeviceFile(device_file="/sdcard/Download/notes.txt", regex=r"\Ah.llo\Z").score(ctx) == 0.0
    assert DeviceFile(device_file="/sdcard/none.txt").score(ctx) == 0.0
    assert DeviceFile(device_file="/sdcard/none.txt").explain(ctx) == "/sdcard/none.txt does not exist on the phone"
    with pytest.raises(SetupError, match="no local file"):
        PushFile(push_file="missing.txt", to="/sdcard/x").run(ctx)


def test_adb_shell_step_and_output_check(ctx, phone):
    AdbShell(adb_shell="settings put global airplane_mode_on 1").run(ctx)
    assert phone.settings[("global", "airplane_mode_on")] == "1"
    with pytest.raises(SetupError, match="exited 1"):
        AdbShell(adb_shell="cat /nope").run(ctx)
    AdbShell(adb_shell="cat /nope", expect_rc=None).run(ctx)
    assert AdbOutput(adb_output="getprop ro.product.model", equals="Fake Phone").score(ctx) == 1.0
    assert AdbOutput(adb_output="getprop ro.product.model", contains="Fake").score(ctx) == 1.0
    assert AdbOutput(adb_output="getprop ro.product.model", regex=r"^Fake \w+$").score(ctx) == 1.0
    assert AdbOutput(adb_output="getprop ro.product.model", equals="Real Phone").score(ctx) == 0.0
    assert AdbOutput(adb_output="cat /nope", exit_code=1).score(ctx) == 1.0
    assert AdbOutput(adb_output="cat /nope", exit_code=0).score(ctx) == 0.0
    assert AdbOutput(adb_output="cat /nope", exit_code=0).explain(ctx) == "`cat /nope` on the phone exited 1, not 0"
    assert (AdbOutput(adb_output="getprop ro.product.model", equals="Real Phone").explain(ctx)
            == "the output of `getprop ro.product.model` on the phone is 'Fake Phone', not equal to 'Real Phone'")


def test_setting_check(ctx, phone):
    phone.settings[("global", "airplane_mode_on")] = "1"
    assert Setting(setting="airplane_mode_on", namespace="global", equals="1").score(ctx) == 1.0
    assert Setting(setting="airplane_mode_on", namespace="global", equals="0").score(ctx) == 0.0
    assert (Setting(setting="airplane_mode_on", namespace="global", equals="0").explain(ctx)
            == "setting global/airplane_mode_on is '1', not equal to '0'")
    assert Setting(setting="airplane_mode_on", namespace="global", equals="1", strip=False).score(ctx) == 1.0
    assert Setting(setting="default_input_method", namespace="secure", contains="latin").score(ctx) == 1.0
    assert Setting(setting="screen_brightness", equals="null").score(ctx) == 1.0  # unset reads 'null'
    assert phone.commands[-1] == "settings get system screen_brightness"


def test_ui_checks(ctx, phone):
    assert UiText(ui_text="Network & internet").score(ctx) == 1.0
    assert UiText(ui_text="Network").score(ctx) == 1.0
    assert UiText(ui_text="Network", exact=True).score(ctx) == 0.0
    assert UiText(ui_text="Wi-Fi", exact=True).score(ctx) == 1.0  # content-desc counts
    assert UiText(ui_text="Bluetooth").score(ctx) == 0.0
    assert UiNode(ui_node={"content-desc": "Wi-Fi", "checked": "true"}).score(ctx) == 1.0
    assert UiNode(ui_node={"content-desc": "Wi-Fi", "checked": "false"}).score(ctx) == 0.0
    phone.ui_xml = "ERROR: could not get idle state."
    with pytest.raises(CheckError, match="not XML"):
        UiText(ui_text="x").score(ctx)


def test_checks_need_the_android_driver(tmp_path):
    ctx = TaskContext(driver=None, workdir=tmp_path)
    with pytest.raises(CheckError, match="needs the android driver"):
        Foreground(foreground="com.android.settings").score(ctx)
    with pytest.raises(SetupError, match="needs the android driver"):
        GoHome().run(ctx)


@pytest.mark.parametrize("model, data", [
    (ForceStop, {"force_stop": "com.x; rm -rf /"}),
    (ClearData, {"clear_data": "$(whoami)"}),
    (PushFile, {"push_file": "a", "to": "relative/path"}),
    (Setting, {"setting": "a b", "equals": "1"}),
    (Setting, {"setting": "a"}),  # no test given
    (DeviceFile, {"device_file": "/x", "equals": "1", "contains": "1"}),
    (AdbOutput, {"adb_output": "true", "regex": "("}),
    (Foreground, {"foreground": "com.x/.A; id"}),
])
def test_bad_specs_do_not_validate(model, data):
    with pytest.raises(ValidationError):
        model.model_validate(data)


TASK = """
id: android-wifi
domain: android
platform: android
instruction: Open Settings.
setup:
  - go_home:
  - force_stop: com.android.settings
  - adb_shell: settings put global airplane_mode_on 0
checker:
  all:
    - foreground: com.android.settings
    - setting: airplane_mode_on
      namespace: global
      equals: "0"
    - ui_node: {content-desc: Wi-Fi, checked: "true"}
limits: {max_steps: 4}
"""


def test_yaml_task_loads_sets_up_and_scores(ctx, phone, tmp_path):
    from tasks.load import load_yaml_task

    path = tmp_path / "task.yaml"
    path.write_text(TASK)
    task = load_yaml_task(path)
    assert task.platform == "android"
    for step in task.setup:
        step.run(ctx)
    assert task.checker.score(ctx) == 0.0
    LaunchApp(launch_app="com.android.settings", wait_s=0).run(ctx)
    assert task.checker.score(ctx) == 1.0


def test_android_kinds_refused_on_desktop_tasks(tmp_path):
    from tasks.load import load_yaml_task

    path = tmp_path / "task.yaml"
    path.write_text(textwrap.dedent("""
        id: wrong
        instruction: x
        setup: [{launch_app: com.android.settings}]
    """))
    with pytest.raises(TaskFileError, match="launch_app cannot be used with platform desktop"):
        load_yaml_task(path)
