"""The contract tables are declared once (analysis/output_tables.py): the README lists the same columns,
every column says what it means and its unit, and a table that breaks its contract is not written."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from natospend.analysis import status
from natospend.analysis.output_tables import CONTRACTS, named_columns, validate
from natospend.data.dataset import load_spending
from natospend.data.series import nato_table
from natospend.data.targets import load_targets
from natospend.errors import InputError
from natospend.paths import PROJECT_ROOT


def _readme_columns(table: str) -> list[str]:
    """The backticked names in the README's parenthesis after `tables/<table>.csv`."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"`tables/{table}.csv`") + len(f"`tables/{table}.csv`")
    depth, end = 0, start
    for end in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        if depth == 0 and text[end] == ")":
            break
    inside = re.sub(r"\([^()]*\)", "", text[start : end + 1][1:-1])  # the names, not the remarks in brackets
    return re.findall(r"`([a-z_<>0-9]+)`", inside)


@pytest.mark.parametrize("table", list(CONTRACTS))
def test_readme_lists_the_contracts_columns(table: str) -> None:
    schema = CONTRACTS[table]
    listed = _readme_columns(table)
    assert [c for c in listed if "<id>" not in c] == named_columns(schema)
    patterns = [name for name, col in schema.columns.items() if col.regex]
    for name in (c.replace("<id>", "gdp_2pct") for c in listed if "<id>" in c):
        assert any(re.fullmatch(p, name) for p in patterns), name


@pytest.mark.parametrize("table", list(CONTRACTS))
def test_every_column_says_what_it_is_and_its_unit(table: str) -> None:
    for name, col in CONTRACTS[table].columns.items():
        assert col.description and col.metadata and col.metadata["unit"], (table, name)


def test_a_table_that_breaks_its_contract_is_refused() -> None:
    table = nato_table(load_spending("nato"))
    frame = status.target_status(table, 2024, list(load_targets().values()))
    assert validate("target_status", frame) is not None
    with pytest.raises(InputError, match="table target_status: columns"):
        validate("target_status", frame.drop(columns="estimate"))
    with pytest.raises(Exception, match="meets_gdp_2pct"):
        validate("target_status", frame.assign(meets_gdp_2pct="yes"))
    assert validate("not_a_contract", pd.DataFrame({"x": ["anything"]})) is not None
