"""open_app on a phone: exact names first, then a unique prefix, else refused naming the apps;
through the real Android driver and `gui-agent replay` against the fake ADB server."""

from __future__ import annotations

import json

import pytest

from drivers.actions import parse_action
from drivers.base import ActionRefused
from tests.doubles.fake_adb import FakeAdbServer, adb_env
from tests.doubles.fake_adb.phone import DEFAULT_APPS, App, FakePhone
from tests.helpers.cli import gui_agent


def open_app(driver, name: str) -> None:
    driver.execute(parse_action({"type": "open_app", "name": name}))


@pytest.fixture
def two_notes(phone):
    phone.apps.append(App("com.other.notes", "com.other.notes.Main", label="Field Notes"))
    return phone


def test_apps_sharing_a_label_are_refused_with_both_packages(android, two_notes):
    with pytest.raises(ActionRefused, match=r"several apps could be 'Field Notes': com\.other\.notes, "
                                            r"org\.example\.notes; give the package"):
        open_app(android, "Field Notes")
    open_app(android, "com.other.notes")  # the package says which
    assert two_notes.foreground[0] == "com.other.notes"


def test_a_unique_prefix_of_a_label_or_package_opens_it(android, phone):
    open_app(android, "field")
    assert phone.foreground[0] == "org.example.notes"
    open_app(android, "chrom")
    assert phone.foreground[0] == "com.android.chrome"
    open_app(android, "deskc")
    assert phone.foreground[0] == "com.google.android.deskclock"


def test_a_shared_prefix_is_refused_with_the_candidates(android, two_notes):
    with pytest.raises(ActionRefused, match=r"several apps could be 'field': com\.other\.notes, org\.example\.notes"):
        open_app(android, "field")


@pytest.mark.parametrize("name", ["otes", "ch", "rome", "ettings x"])
def test_inside_a_word_or_too_short_matches_nothing(android, phone, name):
    before = phone.foreground
    with pytest.raises(ActionRefused, match=f"no app called '{name}' on the phone"):
        open_app(android, name)
    assert phone.foreground == before


def test_blank_names_are_refused(android):
    with pytest.raises(ActionRefused, match="the name given is blank"):
        open_app(android, "   ")


def test_nothing_matching_names_apps_on_the_phone(android):
    with pytest.raises(ActionRefused) as refused:
        open_app(android, "Nope")
    assert str(refused.value).endswith(
        "; apps here: com.android.chrome, com.android.settings, com.google.android.apps.maps, "
        "com.google.android.apps.nexuslauncher, com.google.android.deskclock, Field Notes")


@pytest.mark.slow
def test_replay_refuses_ties_and_opens_a_prefix(tmp_path, monkeypatch):
    apps = [*DEFAULT_APPS, App("com.other.notes", "com.other.notes.Main", label="Field Notes")]
    names = ["Field Notes", "  ", "maps", "com.other.notes"]
    actions = tmp_path / "open.jsonl"
    actions.write_text("".join(json.dumps({"type": "open_app", "name": n}) + "\n" for n in names))
    with FakeAdbServer(FakePhone("emulator-5554", natural=(360, 640), apps=apps)) as server:
        monkeypatch.delenv("ANDROID_SERIAL", raising=False)
        out = gui_agent("replay", str(actions), "--driver", "android", "--out", str(tmp_path / "out"),
                        env=adb_env(server.port))
        phone = server.phones["emulator-5554"]
    assert out.returncode == 0, out.stdout + out.stderr
    lines = (tmp_path / "out/replay/open/traj.jsonl").read_text(encoding="utf-8").splitlines()
    errors = [json.loads(line)["error"] for line in lines][:4]
    assert errors == ["action refused: several apps could be 'Field Notes': com.other.notes, "
                      "org.example.notes; give the package",
                      "action refused: open_app needs the name or package of an app; the name given is blank",
                      None, None]
    assert phone.foreground[0] == "com.other.notes"
