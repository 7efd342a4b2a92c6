"""Helpers shared by the extractor's rule tests: a made-up article and its PLOVER-style rows."""

from __future__ import annotations

from pipeline.extract import default_gazetteer, extract_coded
from pipeline.extract.output import coded_to_plover
from pipeline.model import Article, DateValue


def article(text: str) -> Article:
    """``text`` as an article published on 2024-07-26 (for relative dates)."""
    return Article("t", text, "title", DateValue("2024-07-26"))


def coded(text: str) -> list[dict]:
    """PLOVER-style rows of every coded event of ``text`` (as ``diplokg extract --format plover-jsonl``)."""
    r = extract_coded(article(text))
    gaz = default_gazetteer()
    return [coded_to_plover(e, text, gaz, "t") for e in r.coded]
