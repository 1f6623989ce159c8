"""int_range: the regex of lo..hi matches exactly the decimal integers in it, as models write them."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.models.grammars.ranges import int_range

BOUNDS = st.integers(0, 10**7).flatmap(lambda hi: st.tuples(st.integers(0, hi), st.just(hi)))


@settings(max_examples=300, deadline=None)
@given(BOUNDS, st.data())
def test_int_range_matches_exactly_the_integers_in_range(bounds, data):
    lo, hi = bounds
    pattern = re.compile(int_range(lo, hi))
    # the edges, their neighbours, and numbers drawn around and inside the range
    near = [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, 0, 9, 10, 99, 100, 10 ** len(str(hi))]
    drawn = data.draw(st.lists(st.integers(0, 2 * hi + 20), max_size=40))
    for k in [n for n in near + drawn if n >= 0]:
        assert bool(pattern.fullmatch(str(k))) == (lo <= k <= hi), (lo, hi, k)


@settings(max_examples=100, deadline=None)
@given(BOUNDS, st.integers(0, 10**7))
def test_int_range_refuses_other_spellings(bounds, k):
    pattern = re.compile(int_range(*bounds))
    for text in (f"0{k}", f"-{k}", f"+{k}", f"{k}.0", f" {k}", f"{k}e0", ""):
        assert not pattern.fullmatch(text), text


@pytest.mark.parametrize("lo, hi", [(0, 0), (0, 9), (0, 10), (0, 999), (0, 1000), (1, 10000), (0, 1932),
                                    (100, 199), (5, 123), (999, 1001), (12345, 67890)])
def test_int_range_small_cases_exhaustively(lo, hi):
    pattern = re.compile(int_range(lo, hi))
    assert [k for k in range(0, 2 * hi + 50) if pattern.fullmatch(str(k))] == list(range(lo, hi + 1))


def test_int_range_refuses_an_empty_or_negative_range():
    for lo, hi in [(5, 4), (-1, 3)]:
        with pytest.raises(ValueError):
            int_range(lo, hi)
