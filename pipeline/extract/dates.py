"""Date expressions in a sentence, resolved against the article's publication date.

Resolution never invents precision: "in June" gives a month, "on Wednesday" gives a day only
when the publication date is known to the day, "last year" gives a year.

>>> [(d.value, d.text) for d in find_dates("The pact, signed in June, took effect.", "2024-07")]
[('2024-06', 'in June')]
>>> [(d.value, d.text) for d in find_dates("They met on Wednesday.", "2024-07-26")]
[('2024-07-24', 'on Wednesday')]
>>> find_dates("They met on Wednesday.", "2024-07")
[]
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_DATE_RX = re.compile(
    rf"""\b(?:
        (?P<dmy>(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>\d{{4}}))?)
      | (?P<mdy>(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{{4}}))?)
      | (?P<my>(?:(?:in|since|during|until|by|from|early|late|mid|mid-)\s+)?(?P<m3>January|February|March|April|June|July|August|September|October|November|December)(?:\s+(?P<y3>\d{{4}}))?)
      | (?P<wd>(?:(?:on|last|this|next)\s+)?(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))
      | (?P<rel>yesterday|today|last\s+(?:week|month|year)|this\s+(?:week|month|year)|next\s+(?:month|year))
      | (?P<yr>(?:in|since|during|by)\s+(?P<y4>(?:19|20)\d\d))
    )\b""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class FoundDate:
    """A date expression: its offsets in the text given to :func:`find_dates`, and its ISO value."""

    start: int
    end: int
    text: str
    value: str


def _parse_pub(published: str | None) -> tuple[int | None, int | None, int | None]:
    if not published:
        return None, None, None
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", published)
    if not m:
        return None, None, None
    y, mo, d = (int(g) if g else None for g in m.groups())
    return y, mo, d


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def resolve(m: re.Match[str], published: str | None) -> str | None:
    """The ISO value of one match, or None when it cannot be resolved honestly."""
    py, pm, pd = _parse_pub(published)
    g = m.groupdict()
    if g["dmy"] or g["mdy"]:
        mon = MONTHS[(g["m1"] or g["m2"]).rstrip(".").lower()]
        day = int(g["d1"] or g["d2"])
        year = g["y1"] or g["y2"]
        if year:
            y = int(year)
        elif py and pm:
            y = py if (mon, day) <= (pm, pd or 31) else py - 1
        elif py:
            y = py
        else:
            return None
        return f"{y:04d}-{mon:02d}-{day:02d}" if _valid(y, mon, day) else None
    if g["my"]:
        mon = MONTHS[g["m3"].lower()]
        if g["y3"]:
            return f"{int(g['y3']):04d}-{mon:02d}"
        if py is None:
            return None
        if pm is None:
            return f"{py:04d}-{mon:02d}"
        y = py if mon <= pm else py - 1
        return f"{y:04d}-{mon:02d}"
    if g["wd"]:
        if not (py and pm and pd):
            return None
        pub = dt.date(py, pm, pd)
        target = WEEKDAYS[g["w"].lower()]
        lead = g["wd"].split()[0].lower()
        delta = (pub.weekday() - target) % 7
        if lead == "next":
            day = pub + dt.timedelta(days=(target - pub.weekday()) % 7 or 7)
        else:
            if lead == "last" and delta == 0:
                delta = 7
            day = pub - dt.timedelta(days=delta)
        return day.isoformat()
    if g["rel"]:
        rel = g["rel"].lower().split()
        if rel[0] in ("yesterday", "today"):
            if not (py and pm and pd):
                return None
            day = dt.date(py, pm, pd) - dt.timedelta(days=1 if rel[0] == "yesterday" else 0)
            return day.isoformat()
        unit = rel[1]
        if unit == "week":
            return None
        if unit == "year":
            if py is None:
                return None
            return f"{py + {'last': -1, 'this': 0, 'next': 1}[rel[0]]:04d}"
        if py is None or pm is None:
            return None
        y, mo = py, pm + {"last": -1, "this": 0, "next": 1}[rel[0]]
        if mo == 0:
            y, mo = y - 1, 12
        elif mo == 13:
            y, mo = y + 1, 1
        return f"{y:04d}-{mo:02d}"
    if g["yr"]:
        return g["y4"]
    return None


def find_dates(text: str, published: str | None, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """Date expressions in ``text[start:end]`` that resolve against ``published`` (ISO)."""
    out = []
    for m in _DATE_RX.finditer(text, start, len(text) if end is None else end):
        value = resolve(m, published)
        if value is None:
            continue
        out.append(FoundDate(m.start(), m.end(), m.group(), value))
    return out
