"""The fresh HOME every task starts from: a batch worker's reset, OSWorld's prepared user, and
first-run settings that never overwrite a person's own."""

from __future__ import annotations

import stat

from tasks.home import FIRST_RUN_FILES, prepare_home, quiet_first_run, reset_home


def test_reset_home_empties_home_and_runtime_and_keeps_the_first_run_quiet(tmp_path):
    home, runtime, tmp = tmp_path / "home", tmp_path / "run", tmp_path / "tmp"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "left-by-the-last-task.txt").write_text("x")
    (runtime / "old.sock").parent.mkdir()
    (runtime / "old.sock").write_text("x")
    reset_home(home, runtime, tmp)
    assert not (home / "Documents" / "left-by-the-last-task.txt").exists() and not (runtime / "old.sock").exists()
    assert all((home / sub).is_dir() for sub in (".config", ".cache", ".local/share", "Desktop", "Downloads"))
    assert stat.S_IMODE(runtime.stat().st_mode) == 0o700 and tmp.is_dir()
    assert all((home / rel).is_file() for rel in FIRST_RUN_FILES) and (home / ".Xauthority").is_file()


def test_prepare_home_makes_osworlds_folders_and_an_xauthority_only_when_none_is_named(tmp_path):
    prepare_home(tmp_path / "a", {})
    assert (tmp_path / "a" / "Pictures").is_dir() and (tmp_path / "a" / ".Xauthority").is_file()
    prepare_home(tmp_path / "b", {"XAUTHORITY": "/elsewhere/.Xauthority"})
    assert (tmp_path / "b" / "Videos").is_dir() and not (tmp_path / "b" / ".Xauthority").exists()


def test_a_persons_own_settings_win(tmp_path):
    mine = tmp_path / ".config/vlc/vlcrc"
    mine.parent.mkdir(parents=True)
    mine.write_text("[qt]\nqt-privacy-ask=1\n")
    quiet_first_run(tmp_path)
    assert mine.read_text() == "[qt]\nqt-privacy-ask=1\n"
    assert (tmp_path / ".config/libreoffice/4/user/registrymodifications.xcu").is_file()
