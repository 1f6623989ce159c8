"""The accessibility_tree getter on a real GTK app (mousepad) over the task's own session bus,
scored by check_accessibility_tree."""

from __future__ import annotations

import shutil
import time

import pytest

from tasks.osworld.getters.a11y import accessibility_tree
from tasks.osworld.loader import build_task
from tasks.osworld.metrics.desktop import check_accessibility_tree
from tasks.osworld.steps import AccessibilityBus, Open, PrepareHome
from tasks.task import CheckError
from tests.helpers.osworld import make_ctx, task_dict


def test_tasks_reading_the_tree_get_a_bus_before_their_apps():
    tree = {"type": "accessibility_tree"}
    task = build_task(task_dict("a", func="check_left_panel", result=tree, expected=None), "impress")
    kinds = [type(step).__name__ for step in task.setup]
    assert kinds[:3] == ["PrepareHome", "RequireResources", "AccessibilityBus"]
    plain = build_task(task_dict("b"), "os")
    assert "AccessibilityBus" not in [type(step).__name__ for step in plain.setup]


def test_without_a_bus_the_getter_says_so(tmp_path):
    with pytest.raises(CheckError, match="no session bus"):
        accessibility_tree(make_ctx(tmp_path), {})


RULES = [{"xpath": "//application[@name='mousepad']/frame[@st:active='true']"},
         {"selectors": ['menu-bar > menu[name="File"] > menu-item[name^="Open"]']}]


@pytest.fixture(scope="module")
def mousepad_tree(tmp_path_factory, xvfb_display):
    """The accessibility tree of a real mousepad on its task's own session bus."""
    if not (shutil.which("mousepad") and shutil.which("dbus-daemon")):
        pytest.skip("needs mousepad and dbus-daemon (apt-get install mousepad dbus-daemon at-spi2-core)")
    ctx = make_ctx(tmp_path_factory.mktemp("a11y"), xvfb_display)
    try:
        PrepareHome().run(ctx)
        AccessibilityBus().run(ctx)
        assert ctx.env["DBUS_SESSION_BUS_ADDRESS"].startswith("unix:path=")
        Open({"path": "mousepad"}).run(ctx)
        deadline = time.monotonic() + 20
        while True:  # the app registers its objects shortly after its window shows
            xml = accessibility_tree(ctx, {})
            if check_accessibility_tree(xml, RULES[:1]) == 1.0 or time.monotonic() > deadline:
                return xml
            time.sleep(0.5)
    finally:
        ctx.close()


@pytest.mark.slow
def test_the_tree_of_a_real_app(mousepad_tree):
    xml = mousepad_tree
    assert xml.startswith("<desktop-frame ")
    assert check_accessibility_tree(xml, RULES) == 1.0
    assert check_accessibility_tree(xml, [{"selectors": ['menu-item[name^="Launch rockets"]']}]) == 0.0
    frame = xml.split("<frame ", 1)[1].split(">", 1)[0]
    assert 'cp:screencoord="(' in frame and 'attr:toolkit="gtk"' in frame and 'st:showing="true"' in frame


@pytest.mark.slow
@pytest.mark.parametrize("rules", [
    RULES, [{"selectors": ['menu-item[name^="Launch rockets"]']}],
    [{"xpath": "//menu[@name='File']", "text": "File", "exact": False}],
    [{"xpath": "//application", "text": "mousepad", "exact": True}],
])
def test_the_real_tree_scores_as_in_osworld(mousepad_tree, rules):
    from tests.helpers.osworld_ref import reference

    theirs = reference("metric", "check_accessibility_tree")(mousepad_tree, rules)
    assert check_accessibility_tree(mousepad_tree, rules) == pytest.approx(theirs)
