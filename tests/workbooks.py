"""Small synthetic workbooks in the published layouts, with their quirks, for parser tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.styles.colors import Color

ALLIES = [  # (NATO spelling, star, currency)
    ("Albania", False, "Leks"),
    ("Belgium", False, "Euros"),
    ("Bulgaria", False, "Leva"),
    ("Canada", False, "Canadian dollars"),
    ("Croatia", False, "Euros"),
    ("Czechia", True, "Koruny"),
    ("Denmark", False, "Kroner"),
    ("Estonia", True, "Euros"),
    ("Finland", False, "Euros"),
    ("France", False, "Euros"),
    ("Germany", False, "Euros"),
    ("Greece", False, "Euros"),
    ("Hungary", False, "Forint"),
    ("Italy", False, "Euros"),
    ("Latvia", True, "Euros"),
    ("Lithuania", True, "Euros"),
    ("Luxembourg", False, "Euros"),
    ("Montenegro", False, "Euros"),
    ("Netherlands", False, "Euros"),
    ("North Macedonia", False, "Denars"),
    ("Norway", False, "Kroner"),
    ("Poland", True, "Zlotys"),
    ("Portugal", False, "Euros"),
    ("Romania", True, "New Lei"),
    ("Slovak Republic", False, "Euros"),
    ("Slovenia", False, "Euros"),
    ("Spain", False, "Euros"),
    ("Sweden", False, "Kronor"),
    ("Türkiye", False, "Liras"),
    ("United Kingdom", False, "Pounds"),
    ("United States", False, "US dollars"),
]


def default_years(first: int = 2014, last: int = 2024, estimates: int = 2) -> list[Any]:
    """Header cells as NATO writes them: ints, a stray string year, and 'YYYYe' estimates."""
    cells: list[Any] = []
    for year in range(first, last + 1):
        if year > last - estimates:
            cells.append(f"{year}e")
        elif year == 2019:
            cells.append("2019")
        else:
            cells.append(year)
    return cells


@dataclass
class NatoLayout:
    """Knobs for making a NATO tables workbook, valid by default."""

    first_year: int = 2014
    last_year: int = 2024
    base_year: int = 2015
    sheet_name: str = "TABLE{n}"
    table1_title: str = "Defence expenditure"
    core: bool = False  # July 2026 edition on: "Core defence expenditure" in every title
    drop_tables: tuple[str, ...] = ()
    shift_header: str | None = None  # table id whose year header moves one column right
    text_cell: tuple[str, str, int] | None = None  # (table id, country, year index) holding text
    overrides: dict[tuple[str, str, str, int], float] = field(default_factory=dict)  # (table, block, country, i)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


def _value(table: str, block: int, ally: int, year_index: int) -> float:
    """Deterministic, plausible, internally consistent numbers."""
    dex_const = 100.0 * (ally + 1) * (1 + 0.05 * year_index)
    gdp_const = 5000.0 * (ally + 1) * (1 + 0.02 * year_index)
    if table == "2":
        return dex_const * (1.1 if block == 0 else 1.0)
    if table == "5":
        return gdp_const * (1.1 if block == 0 else 1.0)
    if table == "3":
        if block == 0:
            return dex_const / gdp_const * 100
        return 0.0 if year_index == 0 else ((1 + 0.05 * year_index) / (1 + 0.05 * (year_index - 1)) - 1) * 100
    if table == "1":
        return dex_const * 3 * (1.1 if block == 0 else 1.0)
    if table == "6":  # per head of a population of (ally + 1) million: consistent with Tables 2 and 5
        return gdp_const / (ally + 1) / 1000 if block == 0 else dex_const / (ally + 1)
    if table == "7":
        return 10.0 + ally
    if table in ("8a", "8b"):
        return [25.0, 45.0, 5.0, 25.0][block + (2 if table == "8b" else 0)]
    raise AssertionError(table)


def _aggregate_value(table: str, block: int, year_index: int) -> float:
    if table == "3":
        return (1000.0 + year_index) / (50000.0 + year_index) * 100 if block == 0 else 1.0
    if table == "6":  # a population of 10 million
        return (50000.0 + year_index) / 10 / 1000 if block == 0 else (1000.0 + year_index) / 10
    return (50000.0 if table == "5" else 1000.0) + year_index


BLOCKS = {
    "1": ["Current prices", "Constant {base} prices "],
    "2": ["Current prices and exchange rates", "Constant {base} prices and exchange rates"],
    "3": ["Share of real GDP (%)", "Annual real change (%)"],
    "5": ["Current prices and exchange rates", "Constant {base} prices and exchange rates"],
    "6": ["GDP per capita (thousand US dollars)", "Defence expenditure per capita (US dollars)"],
    "7": [None],
    "8a": ["Equipment (a)", "Personnel (b)"],
    "8b": ["Infrastructure (c)", "Other (d)"],
}
TITLES = {
    "1": ("{t1}", "Million national currency units"),
    "2": ("Defence expenditure", "Million US dollars"),
    "3": ("Defence expenditure as a share of GDP and annual real change", "Based on {base} prices"),
    "5": ("GDP", "Million US dollars"),
    "6": ("GDP per capita and defence expenditure per capita", "{base} prices and exchange rates"),
    "7": ("Military personnel", "Thousands"),
    "8a": ("Distribution of defence expenditure by main category", "Percentage of total defence expenditure"),
    "8b": ("Distribution of defence expenditure by main category", "Percentage of total defence expenditure"),
}


def _core(text: str) -> str:
    import re

    return re.sub(
        r"(?i)\b(defence expenditure)",
        lambda m: ("Core " if m.group(1)[0] == "D" else "core ") + m.group(1).lower(),
        text,
    )


def make_nato_workbook(path: Path, layout: NatoLayout | None = None) -> Path:
    layout = layout or NatoLayout()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    header = default_years(layout.first_year, layout.last_year)
    for table in ["1", "2", "3", "4", "5", "6", "7", "8a", "8b"]:
        if table in layout.drop_tables:
            continue
        ws = wb.create_sheet(layout.sheet_name.format(n=table))
        if table == "4":
            _table4(ws, layout)
            continue
        title, unit = TITLES[table]
        title = title.format(t1=layout.table1_title)
        if layout.core:
            title = _core(title)
        ws.cell(4, 2, f"Table {table} : " + title)
        ws.cell(6, 2, unit.format(base=layout.base_year))
        shift = 1 if layout.shift_header == table else 0
        for i, cell in enumerate(header):
            ws.cell(8, 4 + i + shift, cell)
        row = 10
        for b, block in enumerate(BLOCKS[table]):
            if block is not None:
                ws.cell(
                    row,
                    2,
                    _core(block.format(base=layout.base_year)) if layout.core else block.format(base=layout.base_year),
                )
                row += 1
            for a, (name, star, currency) in enumerate(ALLIES):
                label = name + ("*" if star and table in ("1", "2", "3") else "")
                if table == "1":
                    label += f"   ({currency})"
                ws.cell(row, 3, label)
                for i in range(len(header)):
                    value: Any = layout.overrides.get((table, str(b), name, i), _value(table, b, a, i))
                    if layout.text_cell == (table, name, i):
                        value = "n.a."
                    ws.cell(row, 4 + i, value)
                row += 1
            if table in ("2", "3", "5", "6"):
                for agg in ("NATO Europe and Canada", "NATO Total"):
                    ws.cell(row, 2, agg)
                    for i in range(len(header)):
                        ws.cell(row, 4 + i, _aggregate_value(table, b, i))
                    row += 1
            if table == "8b" and b == 0:  # NATO's stray zero row
                for i in range(len(header) - 1):
                    ws.cell(row, 4 + i, 0)
                row += 1
            if table in ("1", "8a"):
                for i in range(6):
                    ws.cell(row, 4 + i, "#REF!")
                row += 1
        ws.cell(row + 2, 3, "Notes: Figures for the last two years are estimates.")
        ws.cell(
            row + 3,
            3,
            "*  These Allies have national laws or political agreements which call for 2% of GDP. For past years "
            "Allies defence spending was based on the then available GDP data. (In 2016 and 2019, Albania met 2% "
            "using June 2016 and June 2019 OECD figures respectively).",
        )
        ws.cell(row + 5, 2, "-7-")
    wb.save(path)
    return path


def _table4(ws: Any, layout: NatoLayout) -> None:
    last = len(layout.years) - 1
    ws.cell(16, 2, f"Table 4 : Defence expenditure real change {layout.first_year}-{layout.last_year}e")
    ws.cell(18, 2, f"Million US dollars ({layout.base_year} prices and exchange rates)")
    for c, text in enumerate(
        [
            layout.first_year,
            f"{layout.last_year}e",
            f"Real change {layout.first_year}-{layout.last_year}e (%)",
            f"Share of real GDP {layout.first_year} (%)",
            f"Share of real GDP {layout.last_year}e (%)",
        ]
    ):
        ws.cell(20, 4 + c, text)
    for a, (name, _, _) in enumerate(ALLIES):
        first, final = _value("2", 1, a, 0), _value("2", 1, a, last)
        values = [first, final, (final / first - 1) * 100, _value("3", 0, a, 0), _value("3", 0, a, last)]
        ws.cell(23 + a, 3, name)
        for c, v in enumerate(values):
            ws.cell(23 + a, 4 + c, v)
    ws.cell(57, 3, "Note: Figures for the last year are estimates.")


SIPRI_SHEETS = {
    "Constant (2023) US$": (
        "Military expenditure by country, in constant (2023) US$ m., 1949-2024",
        ["Country", "", "Notes"],
    ),
    "Current US$": (
        "Military expenditure by country, in millions of US$ at current prices and exchange rates",
        ["Country", "Notes"],
    ),
    "Share of GDP": (
        "Military expenditure by country as percentage of gross domestic product, 1949-2024",
        ["Country", "Notes"],
    ),
    "Per capita": ("Military expenditure per capita  by country, 1949-2024", ["Country", "Notes"]),
    "Share of Govt. spending": (
        "Military expenditure by country as percentage of government spending, 1949-2024",
        ["Country", "Notes", "Reporting year"],
    ),
    "Local currency calendar years": (
        "Military expenditure by country, in local currency, 1949-2024",
        ["Country", "Currency", "Notes"],
    ),
    "Local currency financial years": (
        "Military expenditure by country, in local currency, 1949-2024",
        ["Country", "Currency", "Fiscal Year (Jan-Dec if not stated)", "Notes"],
    ),
}
BLUE = Font(color=Color(indexed=12))
RED = Font(color=Color(indexed=10))


@dataclass
class SipriLayout:
    years: tuple[int, ...] = (2021, 2022, 2023, 2024)
    drop_sheet: str | None = None
    extra_country: str | None = None
    text_cell: str | None = None
    constant_base: int = 2023  # the base year in the constant sheet's name
    title_base: int | None = None  # ... and in its title (None: the same)
    marker: str = "..."  # how Russia's missing 2022 is written
    filled_subregion: bool = False  # the April 2026 release fills some subregion rows with "..."
    rename: tuple[str, str] | None = None  # (sheet, new name)

    @classmethod
    def april_2026(cls, **changes: Any) -> SipriLayout:
        """The April 2026 release's shape: constant 2024 US$, 2025 added, '\u2026' markers, filled subregions."""
        return cls(
            **{
                "years": (2022, 2023, 2024, 2025),
                "constant_base": 2024,
                "marker": "\u2026",
                "filled_subregion": True,
                **changes,
            }
        )


SIPRI_ROWS = [  # region rows, then (name, notes, currency, values per year, colours)
    ("Europe", None),
    ("Eastern Europe", None),
    ("Russia", ("83", "Roubles", [0.0359, "...", 0.0540, 0.0705], [None, None, "blue", "blue"])),
    ("Ukraine", ("§", "Hryvnias", [0.032, 0.259, 0.3683, 0.3447], [None, None, None, "red"])),
    ("USSR", ("", "Roubles", ["xxx", "xxx", "xxx", "xxx"], [None] * 4)),
    ("Western Europe", None),
    ("Germany", ("", "Euros", [0.0132, 0.0139, 0.0152, 0.0188], [None] * 4)),
    ("Middle East", None),
    ("Kuwait", ("", "Dinars", [0.0651, 0.0455, 0.0484, 0.0501], [None] * 4)),
]


def make_sipri_workbook(path: Path, layout: SipriLayout | None = None) -> Path:
    layout = layout or SipriLayout()
    wb = openpyxl.Workbook()
    wb.active.title = "Front page"
    for sheet, (title, head) in SIPRI_SHEETS.items():
        if sheet == layout.drop_sheet:
            continue
        if sheet.startswith("Constant"):
            title = title.replace("(2023)", f"({layout.title_base or layout.constant_base})")
            sheet = f"Constant ({layout.constant_base}) US$"
        if layout.rename and layout.rename[0] == sheet:
            sheet = layout.rename[1]
        ws = wb.create_sheet(sheet)
        ws.cell(1, 1, title + "      © SIPRI 2024")
        ws.cell(3, 1, "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data.")
        for c, text in enumerate(head + list(layout.years)):
            ws.cell(6, 1 + c, text)
        row = 8
        rows = list(SIPRI_ROWS)
        if layout.extra_country:
            rows.append((layout.extra_country, ("", "Units", [1.0] * 4, [None] * 4)))
        for name, data in rows:
            ws.cell(row, 1, name)
            if data is None and layout.filled_subregion and name == "Western Europe":
                for i in range(len(layout.years)):
                    ws.cell(row, 1 + len(head) + i, "...")
            if data is not None:
                notes, currency, values, colours = data
                for c, text in enumerate(head):
                    if text == "Notes":
                        ws.cell(row, 1 + c, notes)
                    elif text == "Currency":
                        ws.cell(row, 1 + c, currency)
                for i, (value, colour) in enumerate(zip(values, colours)):
                    if isinstance(value, float) and "Share" not in sheet:
                        value = value * 1000
                    if layout.text_cell == sheet and name == "Germany" and i == 1:
                        value = "n/a"
                    if value == "...":
                        value = layout.marker
                    cell = ws.cell(row, 1 + len(head) + i, value)
                    if colour == "blue":
                        cell.font = BLUE
                    elif colour == "red":
                        cell.font = RED
            row += 1
    notes = wb.create_sheet("Footnotes")
    notes.cell(5, 1, "§")
    notes.cell(5, 2, "Figures for these countries are for the adopted budget, rather than actual expenditure")
    notes.cell(12, 1, 83)
    notes.cell(12, 3, "Russia: a footnote.")
    wb.save(path)
    return path
