"""The importer under random input (Hypothesis, bounded in examples and time): random grids,
random bytes and near-valid workbooks each end in a stored disclosure or a refusal in
Chinese — never a traceback — and a refusal leaves the database as it was."""

import itertools
import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from disclosure.importing.errors import ImportRejected
from tests.helpers import import_file
from tests.test_admin_imports import counts
from tests.workbooks import seed_workbook

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
BOUNDED = settings(
    deadline=None,  # one import of the seed takes about a second on a slow machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: a failure is reproducible
    phases=[Phase.explicit, Phase.generate],  # no shrinking: it could run for minutes
)
_codes = itertools.count()

TITLES = ["收入决算表", "支出决算表", "公开02表", "合计", "2010301", "行政运行", "—", "", "="]
cell = st.one_of(
    st.sampled_from(TITLES),
    # Text a spreadsheet can hold (openpyxl refuses control characters when writing).
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.integers().map(str),
)
grid = st.lists(st.lists(st.one_of(cell, st.text(max_size=6)), max_size=12), max_size=40)


def outcome(data: bytes) -> str:
    """Import `data` as a new department's 2021 disclosure: "stored" or "refused"; any other
    exception fails the test. A refusal must be in Chinese and change nothing."""
    before = counts()
    try:
        result = import_file(data=data, department_code=f"fuzz-{next(_codes)}", year=2021)
    except ImportRejected as refused:
        assert refused.problems, "a refusal names at least one problem"
        assert all(CJK.search(str(p)) for p in refused.problems), refused.problems
        assert counts() == before, "a refused import must leave the database unchanged"
        return "refused"
    assert result.disclosure.pk is not None
    return "stored"


@settings(BOUNDED, max_examples=30)
@given(rows=grid, separator=st.sampled_from(["\t", ","]))
def test_random_grids_are_stored_or_refused_in_chinese(rows, separator):
    text = "\n".join(separator.join(r) for r in rows)
    outcome(text.encode("utf-8"))


@settings(BOUNDED, max_examples=40)
@given(data=st.binary(max_size=2048))
def test_random_bytes_are_stored_or_refused_in_chinese(data):
    outcome(data)


@settings(BOUNDED, max_examples=30)
@given(
    head=st.sampled_from([b"PK\x03\x04", b"%PDF-1.4", b"\xef\xbb\xbf", b"\xd0\xcf\x11\xe0", b""]),
    tail=st.binary(max_size=512),
)
def test_bytes_that_start_like_a_known_format_are_refused_in_chinese(head, tail):
    outcome(head + tail)


@settings(BOUNDED, max_examples=6)
@given(data=st.data())
def test_near_valid_workbooks_are_stored_or_refused_in_chinese(seed_text, data):
    lines = seed_text.splitlines()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        index = data.draw(st.integers(0, len(lines) - 1), label="line")
        cells = lines[index].split("\t")
        column = data.draw(st.integers(0, len(cells) - 1), label="column")
        cells[column] = data.draw(cell, label="new cell")
        lines[index] = "\t".join(cells)
    text = "\n".join(lines)
    as_workbook = data.draw(st.booleans(), label="as workbook")
    outcome(seed_workbook(text) if as_workbook else text.encode("utf-8"))
