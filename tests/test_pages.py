"""Publication-grade pages: tables for reading, the layout check on broken figures, the page's title."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from natospend.figures.layout_check import legends_on_data, overlapping_labels, problems
from natospend.figures.style import save
from natospend.formatting import format_number, readable
from natospend.reports.page import TableView


def test_numbers_read_as_numbers() -> None:
    assert format_number(61377.94, 1) == "61,377.9"
    assert format_number(-0.001, 2) == "0.00"  # never "-0.00"
    assert (
        format_number(float("nan")) == "\u2014" and format_number(pd.NA) == "\u2014" and format_number(None) == "\u2014"
    )
    assert format_number(True) == "yes" and format_number(2035, None) == "2035"
    frame = pd.DataFrame(
        {"share": [2.345, None], "year": pd.array([2035, None], dtype="Int64"), "flag": [True, False]},
        index=pd.Index([2014, 2015], name="Year"),
    )
    shown = readable(frame, {"share": 1}, missing={"year": "never"})
    assert shown.to_dict("list") == {"share": ["2.3", "\u2014"], "year": ["2035", "never"], "flag": ["yes", "no"]}
    assert list(shown.index) == ["2014", "2015"]
    text = shown.to_string() + shown.to_html()
    assert not any(token in text for token in ("NaN", "<NA>", "True", "False", "None", ".0 "))


def test_a_table_view_carries_its_csv_name() -> None:
    data, metadata = TableView(pd.DataFrame({"a": ["1"]}), "pathways")._repr_mimebundle_()
    assert metadata == {"natospend_table": "pathways"} and "natospend-table" in data["text/html"]


def test_the_layout_check_finds_overlapping_labels_and_a_legend_on_data(tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 1, 2], marker="o", label="data")
    ax.text(1, 1, "FRA")
    ax.text(1.01, 1.01, "NE")  # on top of "FRA", as the quadrant's labels once were
    ax.legend(loc="center")  # right on the middle point
    assert overlapping_labels(fig) == [("FRA", "NE")]
    assert legends_on_data(fig) == ["axes 0"]
    assert len(problems(fig)) == 2
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 1, 2], marker="o", label="data")
    ax.text(1, 1, "FRA")
    ax.text(1.01, 1.01, "NE")
    ax.legend(loc="center")
    save(fig, tmp_path, "broken")  # as ReportFolder.figure does: saved, then checked without drawing again
    assert fig.stale and problems(fig, saved=True) == problems(fig) and len(problems(fig)) == 2
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 1, 2], marker="o", label="data")
    ax.text(0, 2, "apart")
    ax.legend(loc="lower right")
    assert problems(fig) == []
    plt.close(fig)


def test_no_source_sentence_doubles_its_publishers_name() -> None:
    """Each loaded edition's footer sentence names the publisher once ("IMF, IMF, World Economic Outlook"
    was on every pathway caption while the IMF's title in releases.yaml began with "IMF, "; SIPRI's database
    is named as SIPRI asks, "SIPRI Military Expenditure Database", without a second "SIPRI, " before it)."""
    from natospend.data.dataset import provenance_records
    from natospend.figures.captions import PUBLISHERS, source_sentence

    for record in provenance_records():
        who = PUBLISHERS.get(record["source"], record["source"])
        sentence = source_sentence(record["source"], record["edition"])
        assert sentence.startswith(f"Source: {who}") and f"{who}, {who}" not in sentence, sentence


def test_one_version_everywhere() -> None:
    """The version the pages and manifests carry is the package's, CITATION.cff's and pyproject.toml's."""
    import tomllib

    import yaml

    from natospend import __version__
    from natospend.paths import PROJECT_ROOT

    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["version"] == project["version"] == __version__
    assert citation["license"] == project["license"] == "MIT" and (PROJECT_ROOT / "LICENSE").is_file()


def test_every_subcommand_explains_itself() -> None:
    """`natospend COMMAND --help`: a paragraph of description and at least two examples."""
    import argparse

    from natospend.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) >= {"ingest", "update", "run", "sweep", "list"}
    for name, parser in commands.choices.items():
        text = parser.format_help()
        assert parser.description and len(parser.description) > 120, name
        examples = text.split("examples:", 1)[1].splitlines() if "examples:" in text else []
        assert sum(line.strip().startswith("natospend ") for line in examples) >= 2, name


def test_years_far_out_read_after_2050() -> None:
    """A year reached at trend decades away extrapolates one growth rate: the table says 'after 2050'."""
    import pandas as pd

    from natospend.text.pathway_text import readable_pathways

    rows = [("Near", 2033.0, False), ("Far", 2091.0, False), ("Never", None, False), ("There", None, True)]
    paths = pd.DataFrame(
        {
            "country_name": [r[0] for r in rows],
            "base_year": 2024,
            "base_share_pct": 2.0,
            "gdp_growth_pct": 1.5,
            "trend_real_growth_pct": 3.0,
            "required_real_growth_pct": 5.0,
            "year_target_reached_at_trend": pd.array([r[1] for r in rows], dtype="Float64"),
            "gap_pp": 1.5,
            "step_pp_per_year": 0.1,
            "extra_spending_usd_m_current": 1000.0,
            "extra_spending_usd_m_constant": 900.0,
            "already_at_target": [r[2] for r in rows],
            "trend_note": "",
            "trend_start_year": 2014,
        }
    )
    shown = readable_pathways(paths, price_base=2015)
    column = next(c for c in shown.columns if "year" in c.lower() or "reaches" in c.lower())
    assert list(shown[column]) == ["2033", "after 2050", "never", "already there"]


def test_sipris_notes_are_quoted_for_each_ally() -> None:
    """SIPRI's own notes on an ally, from the edition in use: the USA's figures are financial years."""
    from natospend.data.dataset import load_spending
    from natospend.data.source_notes import sipri_notes
    from natospend.text.source_notes_text import sipri_notes_words

    sipri = load_spending("sipri", "2026", indicator="defence_expenditure_share_gdp_pct")
    notes = sipri_notes(sipri, "2026", ["USA", "GBR", "ALB"])
    usa = notes[notes["country"] == "USA"]
    assert usa["mark"].tolist() == ["44"] and "financial year" in usa["note"].iloc[0]
    assert set(notes.loc[notes["country"] == "ALB", "mark"]) >= {"§", "¶"}
    words = sipri_notes_words(notes, "2026")
    assert "- **United States**: (44) USA: All figures for the USA are for financial year" in words
    assert "<http" not in words and "`https://www.sipri.org/" in words  # SIPRI's cited address: text, not a link
    assert len([line for line in words.splitlines() if line.startswith("- ")]) == 3  # one paragraph an ally


@pytest.mark.slow
def test_the_money_totals_name_the_part_of_an_ally_measured_after_a_break(default_run: Path) -> None:
    """Page 02's totals include Luxembourg, whose 2024 share is on the new series after its 2023 break: the
    sentence gives that part, from the same table, so a reader can take it out."""
    paths = pd.read_csv(default_run / "tables/pathways.csv")
    luxembourg = paths.loc[paths["country"] == "LUX", "extra_spending_usd_m_current"].iloc[0]
    page = (default_run / "02_pathways.html").read_text(encoding="utf-8")
    assert f"the sums include Luxembourg: {luxembourg / 1000:,.1f} bn, measured on the new series after a break" in page
    assert "the one NATO's tables now use for it: its gap and extra spending are measured against that denominator" in (
        page
    )
    summary = json.loads((default_run / "summary.json").read_text())["notebooks"]["02_pathways"]
    assert "LUX" not in summary["allies_never_at_trend"] and summary["allies_without_a_trend"] == ["LUX"]


def test_a_table_of_words_may_wrap_in_print_and_a_table_of_numbers_never_does() -> None:
    numbers = TableView(pd.DataFrame({"Share (%)": ["2.05", "1.99"], "Year": ["2024", "2023"]}), "numbers")
    words = TableView(pd.DataFrame({"Verdict": ["cannot be checked with the data loaded"]}), "words")
    assert not numbers.has_words() and words.has_words()
    assert 'class="dataframe natospend-table natospend-words"' in words._repr_mimebundle_()[0]["text/html"]
    assert "natospend-words" not in numbers._repr_mimebundle_()[0]["text/html"]
