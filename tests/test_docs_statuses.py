"""Every status of agent/status.py is documented, in README and docs/batch.md alike, and what
the code treats as not final is what the docs call not final."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent import status

ROOT = Path(__file__).resolve().parents[1]


def documented(path: Path) -> dict[str, str]:
    """status -> meaning, from the Markdown table headed `| status | meaning |`."""
    text = path.read_text(encoding="utf-8")
    start = text.index("| status | meaning |")
    table = text[start:].split("\n\n", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", table, re.M))


@pytest.mark.parametrize("doc", ["README.md", "docs/batch.md"])
def test_every_status_is_in_the_table(doc):
    table = documented(ROOT / doc)
    missing = [s for s in status.ALL if s not in table]
    assert not missing, f"{doc} does not document: {missing}"
    for name in status.NOT_FINAL:
        assert "not final" in table[name], f"{doc}: {name} should say it is not final"
    for name in set(status.ALL) - status.NOT_FINAL:
        assert "not final" not in table[name]

