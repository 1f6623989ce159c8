"""Every metric and getter we implement that OSWorld 1.0.2 also has is either compared with
OSWorld's own in a tests/test_osworld_parity_*.py module (named there as a string) or listed
here as not comparable, with why. A new metric without either fails this test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.helpers.osworld_ref import wheel_root

NOT_COMPARED: dict[str, str] = {
    # metrics
    "compare_insert_equation": "needs a Word OLE equation object (w:object), which no library here writes",
    # getters: OSWorld's fetch from the VM's HTTP server (requests to env.vm_ip) or a live
    # Chrome over CDP (playwright); ours read the local session. Nothing pure to compare.
    **{g: "OSWorld's getter asks the VM's HTTP server; ours reads the local session" for g in (
        "vm_file", "cloud_file", "cache_file", "content_from_vm_file", "list_directory", "vm_command_line",
        "vm_command_error", "vm_terminal_output", "vm_screen_size", "vm_window_size", "vm_wallpaper",
        "vlc_config", "vlc_playing_info", "gimp_config_file", "vscode_config", "default_video_player",
        "audio_in_slide", "background_image_in_slide", "shortcuts_on_desktop")},
    **{g: "OSWorld's getter drives a live Chrome over CDP (playwright) or reads its profile on the VM"
       for g in ("enable_do_not_track", "enable_safe_browsing", "default_search_engine", "profile_name",
                 "chrome_font_size", "new_startup_page", "data_delete_automacally", "find_unpacked_extension_path",
                 "find_installed_extension_name", "bookmarks", "history", "cookie_data", "open_tabs_info",
                 "active_tab_info", "active_url_from_accessTree", "active_tab_url_parse", "url_dashPart",
                 "active_tab_html_parse", "url_path_parse", "page_info", "info_from_website",
                 "macys_product_url_parse", "number_of_search_results", "googledrive_file",
                 "gotoRecreationPage_and_get_html_content", "chrome_language", "enabled_experiments",
                 "pdf_from_url", "accessibility_tree", "replay", "time_diff_range", "conference_city_in_order")},
}


def _exported(kind: str) -> set[str]:
    area = {"metric": "metrics", "getter": "getters"}[kind]
    init = wheel_root() / "desktop_env" / "evaluators" / area / "__init__.py"
    names = set()
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
    return names


def _named_in_parity_tests() -> set[str]:
    names = set()
    for path in Path(__file__).parent.glob("test_osworld_parity_*.py"):
        names |= set(re.findall(r"[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']", path.read_text()))
    return names


def test_every_shared_metric_is_compared():
    from tasks.osworld.registry import METRICS

    shared = sorted(set(METRICS) & _exported("metric"))
    assert len(shared) > 100
    named = _named_in_parity_tests()
    missing = [m for m in shared if m not in named and m not in NOT_COMPARED]
    assert not missing, f"metrics without a parity test or a NOT_COMPARED reason: {missing}"


def test_every_shared_getter_is_compared_or_explained():
    from tasks.osworld.registry import GETTERS

    shared = sorted(n for n in GETTERS if f"get_{n}" in _exported("getter"))
    named = _named_in_parity_tests()
    missing = [g for g in shared if f"get_{g}" not in named and g not in named and g not in NOT_COMPARED]
    assert not missing, f"getters without a parity test or a NOT_COMPARED reason: {missing}"


@pytest.mark.parametrize("name", sorted(NOT_COMPARED))
def test_not_compared_names_exist_upstream(name):
    """The list names only what OSWorld 1.0.2 exports (a typo would hide a missing test)."""
    assert name in _exported("metric") or f"get_{name}" in _exported("getter")


def test_the_reference_loader_leaves_nothing_public(tmp_path):
    """OSWorld's modules load under a private name; `desktop_env` and the stubs stay out of
    sys.modules, and a metric that reaches a stub raises StubUsed instead of scoring."""
    import importlib
    import importlib.util
    import sys

    from tests.helpers.osworld_ref import PRIVATE, StubUsed, reference

    ocr = reference("metric", "compare_image_text")  # docs.py imports easyocr at the top
    assert ocr.__module__ == f"{PRIVATE}.evaluators.metrics.docs"
    assert not [n for n in sys.modules if n.split(".")[0] == "desktop_env"]
    with pytest.raises(ImportError):
        importlib.import_module("desktop_env")
    if importlib.util.find_spec("easyocr") is None:
        assert "easyocr" not in sys.modules
        image = tmp_path / "x.png"
        from PIL import Image

        Image.new("RGB", (8, 8)).save(image)
        with pytest.raises(StubUsed):
            ocr(str(image), {"type": "text", "text": "x"})
