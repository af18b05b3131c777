"""Ingest of NATO's *Defence Expenditure of NATO Countries* tables workbook.

The layout is found from each table's title, its unit line, its year header and its block
titles, never from fixed cell positions. Anything that does not match what this parser
knows (a renamed table, another unit, an unknown block) is rejected with the place and
what was expected, so that a later edition is read correctly or not at all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from natospend.data.dataset import Row
from natospend.data.indicators import INDICATORS, indicator_unit
from natospend.data.reference import nato_name_index, normalise_name
from natospend.errors import InputError
from natospend.ingest.excel import (
    Cell,
    check_consecutive_years,
    column_letter,
    is_empty,
    is_number,
    normalise_text,
    parse_year,
    read_workbook_values,
)

SOURCE = "nato"
PUBLISHER = "NATO Public Diplomacy Division"
TITLE = "Defence Expenditure of NATO Countries"
# From the July 2026 edition NATO titles the publication "Defence Investment of NATO Countries" and
# its tables "Core defence expenditure": the same series under NATO's agreed definition, which The
# Hague's 3.5% target is measured by. Such titles are read as the series they always were.
CORE_TITLE = "Defence Investment of NATO Countries"
_CORE = re.compile(r"\bcore defence expenditure\b")
NATIONAL_LAW_FLAG = "national_2pct_law"  # the `*` after a name


@dataclass(frozen=True)
class BlockSpec:
    title: str  # regex, full match on the normalised block title
    indicator: str
    price_basis: str  # "current", "constant-{base}" or "none"


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    title: str  # normalised expected title
    unit_line: str  # regex on the normalised unit line; group "base" gives the price base year
    blocks: tuple[BlockSpec, ...]
    untitled_block: BlockSpec | None = None  # Table 7 has one block and no block title


_CONST = r"constant (?P<base>\d{4}) prices"
# A table: one entry a line reads better than the formatter's one argument a line.
# fmt: off
TABLE_SPECS: tuple[TableSpec, ...] = (
    TableSpec("1", "defence expenditure", r"million national currency units", (
        BlockSpec(r"current prices", "defence_expenditure_nc_m", "current"),
        BlockSpec(_CONST, "defence_expenditure_nc_m", "constant-{base}"),
    )),
    TableSpec("2", "defence expenditure", r"million us dollars", (
        BlockSpec(r"current prices and exchange rates", "defence_expenditure_usd_m", "current"),
        BlockSpec(_CONST + " and exchange rates", "defence_expenditure_usd_m", "constant-{base}"),
    )),
    TableSpec("3", "defence expenditure as a share of gdp and annual real change",
              r"based on (?P<base>\d{4}) prices", (
        BlockSpec(r"share of real gdp \(%\)", "defence_expenditure_share_gdp_pct", "constant-{base}"),
        BlockSpec(r"annual real change \(%\)", "defence_expenditure_real_change_pct", "constant-{base}"),
    )),
    TableSpec("5", "gdp", r"million us dollars", (
        BlockSpec(r"current prices and exchange rates", "gdp_usd_m", "current"),
        BlockSpec(_CONST + " and exchange rates", "gdp_usd_m", "constant-{base}"),
    )),
    TableSpec("6", "gdp per capita and defence expenditure per capita",
              r"(?P<base>\d{4}) prices and exchange rates", (
        BlockSpec(r"gdp per capita \(thousand us dollars\)", "gdp_per_capita_usd_k", "constant-{base}"),
        BlockSpec(r"defence expenditure per capita \(us dollars\)",
                  "defence_expenditure_per_capita_usd", "constant-{base}"),
    )),
    TableSpec("7", "military personnel", r"thousands", (),
              untitled_block=BlockSpec("", "military_personnel_k", "none")),
    TableSpec("8a", "distribution of defence expenditure by main category",
              r"percentage of total defence expenditure", (
        BlockSpec(r"equipment \(a\)", "equipment_share_pct", "current"),
        BlockSpec(r"personnel \(b\)", "personnel_share_pct", "current"),
    )),
    TableSpec("8b", "distribution of defence expenditure by main category",
              r"percentage of total defence expenditure", (
        BlockSpec(r"infrastructure \(c\)", "infrastructure_share_pct", "current"),
        BlockSpec(r"other \(d\)", "other_share_pct", "current"),
    )),
)
REQUIRED_TABLES = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b")

_TABLE_TITLE = re.compile(r"^table\s*(?P<id>\d+\s*[ab]?)\s*:\s*(?P<title>.+)$", re.IGNORECASE)
_NAME = re.compile(r"^(?P<name>.+?)\s*(?P<star>\*)?\s*(?:\((?P<currency>[^)]*)\))?$")
_FOOTER = re.compile(r"^(notes?\b|\*|\([a-z]\)|-\s*\d+\s*-$)")
_ERROR_CELL = re.compile(r"^#(ref!|n/a|value!|div/0!|name\?|num!|null!)$", re.IGNORECASE)

# How far Table 4 may differ from Tables 2 and 3 (it is published from the same figures).
TABLE4_REL_TOLERANCE = 1e-9
# fmt: on


@dataclass
class TableLocation:
    table_id: str
    sheet: str
    title_row: int  # 0-based
    title: str


@dataclass
class NatoWorkbook:
    path: Path
    edition: str
    rows: list[Row]
    skipped: list[str] = field(default_factory=list)  # stray rows not taken as data, with where
    core_titles: bool = False  # tables titled "Core defence expenditure" (July 2026 edition on)
    first_year: int = 0
    # (country, indicator, price basis, year) -> (sheet, 0-based row, 0-based column) of its cell
    cells: dict[tuple[str, str, str, int], tuple[str, int, int]] = field(default_factory=dict)
    # NATO's notes under the tables, by mark ("*", "(a)" ... ; "notes": the longest "Notes:" text), in its words
    footnotes: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{CORE_TITLE if self.core_titles else TITLE} ({self.first_year}-{self.edition})"


def _plain_title(text: str) -> tuple[str, bool]:
    """A normalised title with 'core defence expenditure' read as 'defence expenditure', and whether it said core."""
    plain = _CORE.sub("defence expenditure", text)
    return plain, plain != text


def locate_tables(path: Path, sheets: dict[str, list[list[Cell]]]) -> dict[str, TableLocation]:
    found: dict[str, TableLocation] = {}
    for sheet, rows in sheets.items():
        for r, row in enumerate(rows[:40]):
            for cell in row[:6]:
                if not isinstance(cell, str):
                    continue
                match = _TABLE_TITLE.match(" ".join(cell.split()))
                if not match:
                    continue
                table_id = match.group("id").replace(" ", "").lower()
                if table_id in found:
                    raise InputError(
                        f"Table {table_id} appears twice (also in sheet {found[table_id].sheet!r})",
                        file=path,
                        sheet=sheet,
                        row=r + 1,
                    )
                found[table_id] = TableLocation(table_id, sheet, r, match.group("title").strip())
                break
    missing = [t for t in REQUIRED_TABLES if t not in found]
    if missing:
        have = ", ".join(f"Table {t} (sheet {loc.sheet!r})" for t, loc in sorted(found.items())) or "none"
        raise InputError(
            f"missing table(s) {', '.join('Table ' + m for m in missing)}; found {have}",
            file=path,
            expected="sheets titled 'Table N : ...' for tables " + ", ".join(REQUIRED_TABLES),
        )
    return found


def _year_header(
    path: Path, sheet: str, rows: list[list[Cell]], start: int, min_years: int = 3
) -> tuple[int, dict[int, tuple[int, bool]]]:
    """Find the year header below a title: (row index, {column: (year, estimate)})."""
    for r in range(start + 1, min(start + 15, len(rows))):
        years = {c: y for c, cell in enumerate(rows[r]) if (y := parse_year(cell)) is not None}
        if len(years) >= min_years:
            return r, years
    raise InputError(
        "no year header found below the table title",
        file=path,
        sheet=sheet,
        row=start + 1,
        expected="a row of years such as 2014 ... '2024e' within 15 rows of the title",
    )


def _text_cells(row: list[Cell], before: int) -> list[tuple[int, str]]:
    return [(c, str(v).strip()) for c, v in enumerate(row[:before]) if isinstance(v, str) and v.strip()]


def _parse_name(path: Path, sheet: str, r: int, c: int, label: str) -> tuple[str, str, bool, str | None]:
    match = _NAME.match(label.strip())
    assert match is not None  # the pattern matches any non-empty text
    name = match.group("name").strip()
    entry = nato_name_index().get(normalise_name(name))
    if entry is None:
        raise InputError(
            f"unknown country or aggregate name {label!r}",
            file=path,
            sheet=sheet,
            row=r + 1,
            column=column_letter(c),
            expected="a NATO ally or 'NATO Europe and Canada' / 'NATO Total'",
        )
    code, display = entry
    return code, display, match.group("star") is not None, match.group("currency")


def _parse_table(
    path: Path, sheets: dict[str, list[list[Cell]]], loc: TableLocation, spec: TableSpec, out: NatoWorkbook
) -> int:
    """Append the table's rows to `out`; returns the last year of its header."""
    rows = sheets[loc.sheet]
    title, core = _plain_title(normalise_text(loc.title))
    out.core_titles |= core
    if title != spec.title:
        raise InputError(
            f"Table {spec.table_id} is titled {loc.title!r}; this edition's layout differs from the one natospend reads",
            file=path,
            sheet=loc.sheet,
            row=loc.title_row + 1,
            expected=f"the title {spec.title!r} (or with 'core defence expenditure')",
        )
    header_row, years = _year_header(path, loc.sheet, rows, loc.title_row)
    check_consecutive_years([years[c][0] for c in sorted(years)], file=path, sheet=loc.sheet, row=header_row)
    first_year_col = min(years)

    unit_texts = [t for r in range(loc.title_row + 1, header_row) for _, t in _text_cells(rows[r], first_year_col + 1)]
    unit_match = next((m for t in unit_texts if (m := re.fullmatch(spec.unit_line, normalise_text(t)))), None)
    if unit_match is None:
        raise InputError(
            f"Table {spec.table_id} unit line is {unit_texts!r}",
            file=path,
            sheet=loc.sheet,
            row=loc.title_row + 2,
            expected=f"a line matching {spec.unit_line!r}",
        )
    base = unit_match.groupdict().get("base")

    block: BlockSpec | None = spec.untitled_block
    block_base = base
    seen_blocks: list[str] = []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        labels = _text_cells(row, first_year_col)
        values = {c: row[c] if c < len(row) else "" for c in years}
        has_values = any(not is_empty(v) for v in values.values())
        if not labels:
            if not has_values:
                continue
            stray = [v for v in values.values() if not is_empty(v)]
            if all(isinstance(v, str) and _ERROR_CELL.match(v.strip()) for v in stray) or all(
                is_number(v) and v == 0 for v in stray
            ):
                out.skipped.append(f"{loc.sheet} row {r + 1}: unlabelled row {stray[:3]}... is not data")
                continue
            raise InputError(
                "a row holds numbers but no country name",
                file=path,
                sheet=loc.sheet,
                row=r + 1,
                expected="a country or aggregate name left of the year columns",
            )
        c_label, label = labels[-1]
        if not has_values:
            text = _plain_title(normalise_text(label))[0]
            if _FOOTER.match(text):
                continue
            matched = next((b for b in spec.blocks if (m := re.fullmatch(b.title, text))), None)
            if matched is None:
                raise InputError(
                    f"unknown block title {label!r} in Table {spec.table_id}",
                    file=path,
                    sheet=loc.sheet,
                    row=r + 1,
                    column=column_letter(c_label),
                    expected="one of " + ", ".join(repr(b.title) for b in spec.blocks)
                    if spec.blocks
                    else "country rows only",
                )
            m = re.fullmatch(matched.title, text)
            block, block_base = matched, (m.groupdict().get("base") if m else None) or base
            seen_blocks.append(matched.indicator + "/" + matched.price_basis)
            continue
        if block is None:
            raise InputError(
                f"data row {label!r} comes before any block title",
                file=path,
                sheet=loc.sheet,
                row=r + 1,
                expected="a block title such as " + repr(spec.blocks[0].title),
            )
        code, display, star, currency = _parse_name(path, loc.sheet, r, c_label, label)
        stray = next(
            (c for c, v in enumerate(row) if c not in years and not isinstance(v, str) and not is_empty(v)), None
        )
        if stray is not None:
            raise InputError(
                f"a number ({row[stray]!r}) for {display} stands outside the year columns; the year header "
                f"(row {header_row + 1}) may be shifted",
                file=path,
                sheet=loc.sheet,
                row=r + 1,
                column=column_letter(stray),
                expected="values only under the year header",
            )
        unit = indicator_unit(block.indicator)
        if block.indicator == "defence_expenditure_nc_m":
            if not currency:
                raise InputError(
                    f"no currency after {label!r}",
                    file=path,
                    sheet=loc.sheet,
                    row=r + 1,
                    column=column_letter(c_label),
                    expected="'Name   (Currency)'",
                )
            unit = f"{unit} ({currency.strip()})"
        price_basis = block.price_basis.format(base=block_base)
        indicator = INDICATORS[block.indicator]
        for c, value in values.items():
            year, estimate = years[c]
            if is_empty(value):
                continue
            if not is_number(value) or not math.isfinite(value):
                raise InputError(
                    f"found {value!r} where a number belongs ({display}, {year})",
                    file=path,
                    sheet=loc.sheet,
                    row=r + 1,
                    column=column_letter(c),
                    expected="a number",
                )
            problem = indicator.out_of_bounds(float(value))
            if problem:
                raise InputError(
                    f"{display} {year}: {problem}",
                    file=path,
                    sheet=loc.sheet,
                    row=r + 1,
                    column=column_letter(c),
                    expected=f"a plausible {indicator.description}",
                )
            key = (code, block.indicator, price_basis, year)
            if key in out.cells:
                first = out.cells[key]
                raise InputError(
                    f"a second row for {display} in this block (the first is row {first[1] + 1})",
                    file=path,
                    sheet=loc.sheet,
                    row=r + 1,
                    column=column_letter(c_label),
                    expected="one row per country and block",
                )
            out.cells[key] = (loc.sheet, r, c)
            out.rows.append(
                Row(
                    code,
                    display,
                    year,
                    block.indicator,
                    price_basis,
                    float(value),
                    unit,
                    estimate,
                    NATIONAL_LAW_FLAG if star else "",
                    f"Table {spec.table_id}",
                )
            )
    expected_blocks = len(spec.blocks)
    if expected_blocks and len(seen_blocks) != expected_blocks:
        raise InputError(
            f"Table {spec.table_id} has blocks {seen_blocks}",
            file=path,
            sheet=loc.sheet,
            expected=f"{expected_blocks} blocks: " + ", ".join(repr(b.title) for b in spec.blocks),
        )
    return max(y for y, _ in years.values())


def _check_table4(path: Path, sheets: dict[str, list[list[Cell]]], loc: TableLocation, wb: NatoWorkbook) -> None:
    """Table 4 restates Table 2 (constant USD) and Table 3 (shares): check that it agrees."""
    rows = sheets[loc.sheet]
    header_row, years = _year_header(path, loc.sheet, rows, loc.title_row, min_years=2)
    (c_first, (y_first, _)), (c_last, (y_last, _)) = sorted(years.items())[0], sorted(years.items())[-1]
    header = rows[header_row]
    named = {normalise_text(v): c for c, v in enumerate(header) if isinstance(v, str) and parse_year(v) is None}

    def col(prefix: str) -> int:
        hits = [c for text, c in named.items() if text.startswith(prefix)]
        if len(hits) != 1:
            raise InputError(
                f"Table 4 has no single column starting {prefix!r}",
                file=path,
                sheet=loc.sheet,
                row=header_row + 1,
                expected=f"columns {sorted(named)}",
            )
        return hits[0]

    c_change = col("real change")
    c_share_first, c_share_last = col(f"share of real gdp {y_first}"), col(f"share of real gdp {y_last}")
    lookup = {(x.country, x.indicator, x.price_basis, x.year): x.value for x in wb.rows}
    constant = next(
        x.price_basis
        for x in wb.rows
        if x.indicator == "defence_expenditure_usd_m" and x.price_basis.startswith("constant")
    )
    first_year_col = min(years)
    checked = 0
    for r in range(header_row + 1, len(rows)):
        labels = _text_cells(rows[r], first_year_col)
        if not labels or not is_number(rows[r][c_first]):
            continue
        c_label, label = labels[-1]
        code, display, _, _ = _parse_name(path, loc.sheet, r, c_label, label)
        v_first, v_last = rows[r][c_first], rows[r][c_last]
        implied = {
            c_first: lookup.get((code, "defence_expenditure_usd_m", constant, y_first)),
            c_last: lookup.get((code, "defence_expenditure_usd_m", constant, y_last)),
            c_change: (v_last / v_first - 1) * 100 if v_first else None,
            c_share_first: lookup.get((code, "defence_expenditure_share_gdp_pct", constant, y_first)),
            c_share_last: lookup.get((code, "defence_expenditure_share_gdp_pct", constant, y_last)),
        }
        for c, expected in implied.items():
            published = rows[r][c]
            if (
                expected is None
                or not is_number(published)
                or not math.isclose(published, expected, rel_tol=TABLE4_REL_TOLERANCE, abs_tol=1e-9)
            ):
                raise InputError(
                    f"Table 4 shows {published!r} for {display}, but Tables 2 and 3 imply {expected!r}",
                    file=path,
                    sheet=loc.sheet,
                    row=r + 1,
                    column=column_letter(c),
                    expected="Table 4 to agree with Tables 2 and 3",
                )
        checked += 1
    if checked == 0:
        raise InputError("Table 4 has no country rows", file=path, sheet=loc.sheet)


# How far figures published from the same sources may disagree (rounding in the published digits).
SAME_FIGURE_REL_TOLERANCE = 1e-6
# Defence and GDP are converted to dollars at the same exchange rate, so their current-to-constant
# price ratios differ only by their deflators: within this factor of each other.
PRICE_RATIO_FACTOR = 1.5


def check_money_consistency(path: Path, wb: NatoWorkbook) -> None:
    """Current- and constant-price figures against each other, across Tables 1, 2, 5 and 6.

    - Table 1 constant / Table 2 constant is the base year's exchange rate: one per ally.
    - Table 2 current / constant (defence) and Table 5 current / constant (GDP) move together.
    - Table 1 current / Table 2 current is that year's exchange rate: within a factor 50 of the base rate.
    - Table 2 constant / Table 6 defence per capita and Table 5 constant / Table 6 GDP per capita give
      the same population.
    A failure names the cell that disagrees.
    """
    values = {(r.country, r.indicator, r.price_basis, r.year): r.value for r in wb.rows}
    constant = next(b for (_, i, b, _) in values if i == "defence_expenditure_usd_m" and b.startswith("constant"))

    def fail(key: tuple[str, str, str, int], problem: str, expected: str) -> None:
        sheet, row, column = wb.cells[key]
        raise InputError(problem, file=path, sheet=sheet, row=row + 1, column=column_letter(column), expected=expected)

    base_rate: dict[str, tuple[float, int]] = {}
    for (country, indicator, basis, year), nc in sorted(values.items()):
        if indicator != "defence_expenditure_nc_m":
            continue
        usd = values.get((country, "defence_expenditure_usd_m", basis, year))
        if not usd or not nc:
            continue
        rate = nc / usd
        if basis == constant:
            first = base_rate.setdefault(country, (rate, year))
            if not math.isclose(rate, first[0], rel_tol=SAME_FIGURE_REL_TOLERANCE):
                fail(
                    (country, "defence_expenditure_usd_m", basis, year),
                    f"Table 2 constant gives {country} {year} an exchange rate of {rate:g} national currency per "
                    f"dollar against Table 1, but {first[0]:g} in {first[1]}",
                    "one base-year exchange rate per ally for the constant-price tables",
                )
    for (country, indicator, basis, year), usd in values.items():
        if indicator != "defence_expenditure_usd_m" or basis != "current":
            continue
        key = (country, indicator, basis, year)
        usd_constant = values.get((country, indicator, constant, year))
        gdp, gdp_constant = (values.get((country, "gdp_usd_m", b, year)) for b in ("current", constant))
        if usd and usd_constant and gdp and gdp_constant:
            defence_ratio, gdp_ratio = usd / usd_constant, gdp / gdp_constant
            if not 1 / PRICE_RATIO_FACTOR <= defence_ratio / gdp_ratio <= PRICE_RATIO_FACTOR:
                fail(
                    key,
                    f"{country} {year}: current/constant dollars is {defence_ratio:g} for defence (Table 2) "
                    f"but {gdp_ratio:g} for GDP (Table 5)",
                    f"the two within a factor {PRICE_RATIO_FACTOR:g}: one exchange rate converts both",
                )
        nc = values.get((country, "defence_expenditure_nc_m", "current", year))
        if nc and usd and country in base_rate:
            ratio = (nc / usd) / base_rate[country][0]
            if not 1 / 50 <= ratio <= 50:
                fail(
                    key,
                    f"{country} {year}: Table 1 / Table 2 at current prices gives an exchange rate {ratio:g} "
                    "times the base year's",
                    "an exchange rate within a factor 50 of the base year's",
                )
    for (country, indicator, basis, year), per_head in values.items():
        if indicator != "defence_expenditure_per_capita_usd" or not per_head:
            continue
        defence = values.get((country, "defence_expenditure_usd_m", constant, year))
        gdp = values.get((country, "gdp_usd_m", constant, year))
        gdp_head = values.get((country, "gdp_per_capita_usd_k", basis, year))
        if defence and gdp and gdp_head:
            from_defence, from_gdp = defence / per_head, gdp / gdp_head / 1000
            if not math.isclose(from_defence, from_gdp, rel_tol=SAME_FIGURE_REL_TOLERANCE):
                fail(
                    (country, indicator, basis, year),
                    f"{country} {year}: Table 6 per capita implies {from_defence:g} million people from defence "
                    f"(Table 2) but {from_gdp:g} million from GDP (Table 5)",
                    "per-capita figures consistent with the totals",
                )


_MARK = re.compile(r"^(\*|\([a-z]\))\s*")


def read_footnotes(sheets: dict[str, list[list[Cell]]]) -> dict[str, str]:
    """The notes under NATO's tables, as written (spaces normalised): '*' (allies with a national 2% law, and how
    past years are judged), '(a)'-'(d)' (what each category includes), and 'notes' (estimates and the accession
    dates behind the aggregates: the longest of the sheets' versions)."""
    found: dict[str, str] = {}
    for rows in sheets.values():
        for row in rows:
            for cell in row:
                if not isinstance(cell, str):
                    continue
                text = " ".join(cell.split())
                if len(text) < 12:  # page numbers ('-9-') and stray marks
                    continue
                mark = _MARK.match(text)
                if mark:
                    key, body = mark.group(1), text[mark.end() :]
                elif re.match(r"^notes?\s*:", text, re.IGNORECASE):
                    key, body = "notes", re.sub(r"^notes?\s*:\s*", "", text, flags=re.IGNORECASE)
                else:
                    continue
                if len(body) > len(found.get(key, "")):
                    found[key] = body
    return dict(sorted(found.items()))


def parse_nato_workbook(path: str | Path) -> NatoWorkbook:
    """Read every block of Tables 1-3 and 5-8b into long rows; check Table 4 against them."""
    path = Path(path)
    sheets = read_workbook_values(path)
    locations = locate_tables(path, sheets)
    wb = NatoWorkbook(path=path, edition="", rows=[])
    last_years = {spec.table_id: _parse_table(path, sheets, locations[spec.table_id], spec, wb) for spec in TABLE_SPECS}
    if len(set(last_years.values())) != 1:
        raise InputError(
            f"tables end in different years: {last_years}", file=path, expected="every table to cover the same years"
        )
    wb.edition = str(last_years["2"])
    wb.first_year = min(r.year for r in wb.rows)
    _check_table4(path, sheets, locations["4"], wb)
    check_money_consistency(path, wb)
    wb.footnotes = read_footnotes(sheets)
    return wb
