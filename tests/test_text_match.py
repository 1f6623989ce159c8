"""equals / contains / regex / strip mean the same on every platform: a desktop `file` check and
an Android `device_file` check, given the same text and the same YAML keys, agree on the score,
the reason and the validation errors."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from tasks.spec import TaskSpec
from tasks.task import TaskContext

TEXT = "héllo\nworld\n"
RULES = [  # (the YAML keys, passes?)
    ("equals: \"héllo\\nworld\"", True),        # the final newline is white space at an end
    ("equals: \"  héllo\\nworld  \"", True),    # ... and so is the value's
    ("equals: héllo", False),
    ("{equals: \"héllo\\nworld\\n\", strip: false}", True),
    ("{equals: \"héllo\\nworld\", strip: false}", False),
    ("contains: \"lo\\nwo\"", True),
    ("contains: planet", False),
    ("regex: '^world$'", True),                 # ^ and $ match at every line
    ("regex: '^h.llo$'", True),
    ("regex: '\\Ah.llo\\Z'", False),            # \A and \Z anchor the whole text
    ("regex: 'w.rld'", True),
    ("{}", True),                               # no rule: the file only has to exist
]


def _check(platform: str, rule: str, path: str) -> object:
    keys = yaml.safe_load(rule if rule.startswith("{") else "{" + rule + "}")
    where = {"file": path} if platform == "desktop" else {"device_file": path}
    return TaskSpec.model_validate({"id": "t", "instruction": "x", "platform": platform,
                                    "checker": {**where, **keys}}).checker


@pytest.fixture
def both(android, phone, tmp_path):
    """(desktop context, its file path), (android context, the phone's path), both holding TEXT."""
    (tmp_path / "notes.txt").write_text(TEXT, encoding="utf-8")
    phone.files["/sdcard/notes.txt"] = TEXT.encode()
    return ((TaskContext(workdir=tmp_path), str(tmp_path / "notes.txt")),
            (TaskContext(driver=android, workdir=tmp_path), "/sdcard/notes.txt"))


@pytest.mark.parametrize("rule, passes", RULES)
def test_the_same_keys_score_the_same(both, rule, passes):
    scores = {platform: _check(platform, rule, path).score(ctx)
              for platform, (ctx, path) in zip(("desktop", "android"), both)}
    assert scores == {"desktop": float(passes), "android": float(passes)}


@pytest.mark.parametrize("rule", [r for r, passes in RULES if not passes])
def test_the_same_keys_give_the_same_reason(both, rule):
    (desk, desk_path), (phone_ctx, phone_path) = both
    desktop = _check("desktop", rule, desk_path).explain(desk)
    android = _check("android", rule, phone_path).explain(phone_ctx)
    assert desktop.removeprefix(desk_path) == android.removeprefix(f"{phone_path} on the phone")
    assert ", not equal to " in desktop or ", without " in desktop or ", not matching /" in desktop


@pytest.mark.parametrize("rule, message", [
    ("{equals: a, contains: b}", "give one of equals / contains / regex, not equals and contains"),
    ("regex: '('", r"regex '\(' does not compile"),
    ("strip: maybe", "valid boolean"),
])
def test_the_same_mistakes_are_refused_with_the_same_words(rule, message):
    for platform in ("desktop", "android"):
        with pytest.raises(ValidationError, match=message):
            _check(platform, rule, "/sdcard/notes.txt")


def test_a_check_that_needs_a_rule_says_so():
    with pytest.raises(ValidationError, match="give one of equals / contains / regex"):
        TaskSpec.model_validate({"id": "t", "instruction": "x", "platform": "android",
                                 "checker": {"setting": "airplane_mode_on"}})
