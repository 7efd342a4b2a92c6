"""The eleven competency questions, answered by queries/cq*.rq over the published dataset.

Expected answers were checked by hand against the seed article
(data/articles/russia-north-korea-pact-destabilising-australia.txt). Where other corpus articles
may add rows, the test asserts the seed's rows are there and that no row contradicts them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline.store import open_store, run_query
from tests.conftest import PUBLISHED, ROOT, SEED_ID

QUERIES = ROOT / "queries"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return open_store(PUBLISHED)


def rows(store: ox.Store, name: str) -> list[tuple[str, ...]]:
    [path] = QUERIES.glob(f"{name}-*.rq")
    out = run_query(store, path.read_text("utf-8"))
    return [tuple("" if t is None else t.value for t in row) for row in out.rows]


def test_eleven_queries_exist() -> None:
    assert len(sorted(QUERIES.glob("cq*.rq"))) == 11


def test_cq01_criticism_of_the_pact(store: ox.Store) -> None:
    assert rows(store, "cq01") == [("Penny Wong", "Paju", "destabilising")]


def test_cq02_parties_signatories_date(store: ox.Store) -> None:
    assert sorted(rows(store, "cq02")) == [
        ("party", "North Korea", "2024-06-19"), ("party", "Russia", "2024-06-19"),
        ("signatory", "Kim Jong Un", "2024-06-19"), ("signatory", "Vladimir Putin", "2024-06-19")]


def test_cq03_provision_and_condition(store: ox.Store) -> None:
    assert rows(store, "cq03") == [(
        "immediate military assistance between the two nations if either faces armed aggression",
        "Conditional", "either faces armed aggression")]


def test_cq04_allegation_accusers_rule_deniers(store: ox.Store) -> None:
    got = {(r[1], r[2]) for r in rows(store, "cq04")}
    assert {("alleged by", "Penny Wong"), ("alleged by", "United States"),
            ("alleged by", "allies of the United States"), ("denied by", "North Korea"),
            ("denied by", "Russia"),
            ("violates", "United Nations Security Council resolutions on North Korea")} <= got
    # the transfer itself is never asserted as a fact: no event or triple states it outside the claim
    ask = run_query(store, """PREFIX dip: <https://w3id.org/diplokg/ontology#>
        ASK { ?c a dip:Claim ; dip:modality dip:Alleged ; dip:deniedBy ?d }""")
    assert ask.boolean is True


def test_cq05_quotations_word_for_word(store: ox.Store) -> None:
    got = set(rows(store, "cq05"))
    text = (ROOT / "data" / "articles" / f"{SEED_ID}.txt").read_text("utf-8")
    seed = {
        ("Cho Tae-yul", "stated",
         "Korea and Australia are aligned in our vision for upholding the rules-based order in the region."),
        ("Penny Wong", "reiterated",
         "The continued transfer of weapons from North Korea to Russia is a flagrant violation of "
         "U.N. Security Council resolutions"),
        ("Penny Wong", "highlighted", "flagrant violation"),
    }
    assert seed <= got
    for _, _, quote in seed:
        assert f"“{quote}" in text or f"{quote}”" in text  # inside the article's quotation marks


def test_cq06_planned_dialogues(store: ox.Store) -> None:
    got = set(rows(store, "cq06"))
    assert {("Australia", "economic security"), ("South Korea", "economic security"),
            ("Australia", "climate-related matters"), ("South Korea", "climate-related matters")} <= got


def test_cq07_wong_visit_and_meetings(store: ox.Store) -> None:
    seoul = [r for r in rows(store, "cq07") if r[0] == "Seoul"]
    assert seoul == [
        ("Seoul", "1 the visit", "Visit", "Seoul", ""),
        ("Seoul", "2 during the visit", "Visit", "Demilitarized Zone", ""),
        ("Seoul", "2 during the visit", "Meeting", "Seoul", ""),
        ("Seoul", "3 before the visit", "Meeting", "Laos", "2024-07"),
        ("Seoul", "3 before the visit", "Meeting", "Tokyo", "2024-07-29"),
    ]


def test_cq08_offices(store: ox.Store) -> None:
    got = set(rows(store, "cq08"))
    assert {("Penny Wong", "Foreign Minister", "Australia"),
            ("Cho Tae-yul", "Foreign Minister", "South Korea"),
            ("Kim Jong Un", "Leader", "North Korea"),
            ("Vladimir Putin", "President", "Russia")} <= got


def test_cq09_every_fact_has_its_exact_sentence(store: ox.Store) -> None:
    text = (ROOT / "data" / "articles" / f"{SEED_ID}.txt").read_text("utf-8")
    got = rows(store, "cq09")
    assert len(got) == 25  # 15 events + 4 statements + 1 claim + 4 holdings + 1 provision
    for fact, article, start, end, exact in got:
        assert article.startswith("Russia-North Korea Security Pact")
        assert text[int(start):int(end)] == exact, fact


def test_cq10_wikidata_links(store: ox.Store) -> None:
    got = {(r[0], r[1]) for r in rows(store, "cq10")}
    wd = "http://www.wikidata.org/entity/"
    assert {("Russia", wd + "Q159"), ("North Korea", wd + "Q423"), ("Australia", wd + "Q408"),
            ("Vladimir Putin", wd + "Q7747"), ("Kim Jong Un", wd + "Q56226"),
            ("Seoul", wd + "Q8684")} <= got
    # entities that cannot be confirmed offline stay unlinked
    assert not any(name in ("Penny Wong", "Cho Tae-yul", "Quad") for name, _ in got)


def test_cq11_quad_meeting_countries(store: ox.Store) -> None:
    assert rows(store, "cq11") == [("Australia",), ("India",), ("Japan",), ("United States",)]
