"""Small pieces of generated prose: counts with the right noun and verb, lists of names."""

from __future__ import annotations

from collections.abc import Iterable


def count(n: int, singular: str, plural: str) -> str:
    """'1 ally', '3 allies'."""
    return f"{n} {singular if n == 1 else plural}"


def verb(n: int, singular: str, plural: str) -> str:
    """The verb that agrees with a count: verb(1, 'meets', 'meet') -> 'meets'."""
    return singular if n == 1 else plural


def names(items: Iterable[str], empty: str = "none") -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def year_span(first: int, last: int) -> str:
    return f"{first}-{last}" if first != last else str(first)


def year_ranges(years: Iterable[int]) -> str:
    """[2004, 2005, 2006, 2010] -> '2004-2006 and 2010'."""
    ordered = sorted(set(int(y) for y in years))
    spans: list[tuple[int, int]] = []
    for year in ordered:
        if spans and year == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return names([year_span(first, last) for first, last in spans])
