"""Corpus-level checks on data/articles: the bundled sample articles load cleanly, are marked
as samples, together exercise every event type and modelling feature of the ontology, and share
their entities consistently across files.

Each test reads the real files; none of them uses fixtures or mocks. The whole module loads
every facts file once (a few hundred milliseconds).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.facts import load_facts
from pipeline.model import EVENT_TYPES, Entity, Facts
from tests.conftest import ARTICLES, SEED_ID

SAMPLE_HEADER = "Sample text written for the diplokg corpus; not a news report."
SAMPLE_PUBLISHER = "diplokg sample corpus"
MIN_SAMPLES = 6
MIN_WORDS, MAX_WORDS = 250, 450  # body of a sample text (after its header and title)
MIN_RECURRING = 10  # persons and states declared in at least two articles
MIN_RECURRING_PERSONS = 4


@lru_cache(maxsize=1)
def corpus() -> tuple[Facts, ...]:
    """Every facts file in data/articles, loaded and checked by the real loader."""
    return tuple(load_facts(p) for p in sorted(ARTICLES.glob("*.yaml")))


def samples() -> list[Facts]:
    return [f for f in corpus() if f.article.id != SEED_ID]


def _entities_by_id() -> dict[str, list[tuple[str, Entity]]]:
    seen: dict[str, list[tuple[str, Entity]]] = defaultdict(list)
    for f in corpus():
        for e in f.entities:
            seen[e.id].append((f.article.id, e))
    return seen


def test_every_text_has_facts_and_every_facts_file_has_text() -> None:
    texts = {p.stem for p in ARTICLES.glob("*.txt")}
    facts = {p.stem for p in ARTICLES.glob("*.yaml")}
    assert texts == facts, f"unpaired files: {sorted(texts ^ facts)}"


@pytest.mark.parametrize("path", sorted(ARTICLES.glob("*.txt")), ids=lambda p: p.name)
def test_text_files_are_utf8_and_non_empty(path: Path) -> None:
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # raises on bad bytes
    assert text.strip(), f"{path.name} is empty"
    assert "\x00" not in text


def test_seed_present_and_at_least_six_samples() -> None:
    ids = {f.article.id for f in corpus()}
    assert SEED_ID in ids
    assert len(samples()) >= MIN_SAMPLES, f"only {len(samples())} sample articles besides the seed"


@pytest.mark.parametrize("facts", samples(), ids=lambda f: f.article.id)
def test_sample_articles_are_marked(facts: Facts) -> None:
    art = facts.article
    lines = art.text.splitlines()
    assert lines[0] == SAMPLE_HEADER, f"{art.id}: first line must be the sample header"
    assert lines[1] == "", f"{art.id}: a blank line must follow the header"
    assert lines[2] == art.title, f"{art.id}: the title line must equal article.title"
    assert art.sample is True, f"{art.id}: article.sample must be true"
    assert art.publisher == SAMPLE_PUBLISHER
    assert art.published is not None and art.published.precision == "day"
    body = "\n".join(lines[3:])
    words = len(body.split())
    assert MIN_WORDS <= words <= MAX_WORDS, f"{art.id}: {words} words in the body"


def test_header_only_on_samples() -> None:
    for f in corpus():
        has_header = f.article.text.startswith(SAMPLE_HEADER)
        assert has_header == f.article.sample, f"{f.article.id}: header {has_header}, sample flag {f.article.sample}"


def test_every_event_type_occurs() -> None:
    found = {e.type for f in samples() for e in f.events}
    missing = [t for t in EVENT_TYPES if t not in found]
    assert not missing, f"event types absent from the sample articles: {missing}"


def test_modalities_claims_agreements_and_quotes_are_exercised() -> None:
    events = [e for f in samples() for e in f.events]
    assert {"planned", "conditional", "alleged"} <= {e.modality for e in events}
    assert all(e.condition for e in events if e.modality == "conditional")
    claims = [c for f in samples() for c in f.claims]
    assert any(c.alleged_by and c.denied_by for c in claims), "no claim with both accusers and deniers"
    full = [a for f in samples() for a in f.agreements
            if a.parties and a.signatories and a.signed and a.provisions]
    assert full, "no agreement with parties, signatories, signing date and provisions"
    statements = [s for f in samples() for s in f.statements]
    assert any(s.direct for s in statements) and any(not s.direct for s in statements)


def _speaker_follows(facts: Facts) -> list[str]:
    """Ids of direct quotes written “..., Speaker said”: the speaker's name follows the quote."""
    found = []
    text = facts.article.text
    for s in facts.statements:
        if not s.direct:
            continue
        ent = facts.entity(s.speaker)
        assert ent is not None
        tail = text[s.evidence.end:]
        m = re.match(r"[,.!?]?”,?\s+([^.”]*)", tail)
        if m and any(n in m.group(1) for n in (ent.name, *ent.aliases)):
            found.append(s.id)
    return found


def test_a_quote_names_its_speaker_after_it() -> None:
    found = [sid for f in samples() for sid in _speaker_follows(f)]
    assert found, "no sample quotation of the form “...,” Speaker said"


def test_direct_quotes_sit_inside_quotation_marks() -> None:
    for f in corpus():
        text = f.article.text
        for s in f.statements:
            if s.direct:
                before = text[max(0, s.evidence.start - 1):s.evidence.start]
                assert before == "“", f"{f.article.id}/{s.id}: a direct quote must open with “"


def test_entities_consistent_across_files() -> None:
    problems = []
    for eid, decls in _entities_by_id().items():
        kinds = {(e.type, e.name) for _, e in decls}
        if len(kinds) > 1:
            problems.append(f"{eid}: " + "; ".join(f"{a}: {e.type} {e.name!r}" for a, e in decls))
        countries = {e.country for _, e in decls} - {None}
        if len(countries) > 1:
            problems.append(f"{eid}: countries {sorted(countries)}")
        descriptions = {e.description for _, e in decls} - {None}
        if len(descriptions) > 1:
            problems.append(f"{eid}: descriptions {sorted(descriptions)}")
    assert not problems, "\n".join(problems)


def test_shared_agreements_agree() -> None:
    """An agreement coded in several articles has one name, signing date and set of parties, so
    the union of the article graphs has a single dip:signedOn."""
    seen: dict[str, set[tuple[object, ...]]] = defaultdict(set)
    for f in corpus():
        for a in f.agreements:
            seen[a.id].add((a.name, a.signed.value if a.signed else None, frozenset(a.parties)))
    odd = {k: v for k, v in seen.items() if len(v) > 1}
    assert not odd, f"agreements coded differently across articles: {odd}"


def test_people_and_countries_recur() -> None:
    recurring = {eid: {a for a, _ in decls} for eid, decls in _entities_by_id().items()
                 if decls[0][1].type in ("Person", "State") and len({a for a, _ in decls}) >= 2}
    persons = [eid for eid in recurring if _entities_by_id()[eid][0][1].type == "Person"]
    assert len(recurring) >= MIN_RECURRING, f"only {sorted(recurring)} recur"
    assert len(persons) >= MIN_RECURRING_PERSONS, f"only {persons} recur"
    for eid in ("penny-wong", "australia", "russia", "united-states", "ukraine"):
        assert len(recurring.get(eid, ())) >= 3, f"{eid} appears in {sorted(recurring.get(eid, ()))}"


def test_office_titles_consistent_per_person() -> None:
    """The same person holding the same office in several articles uses one title (one IRI)."""
    titles: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for f in corpus():
        for h in f.holdings:
            titles[(h.person, h.country)].add(h.office)
    known_multi = {("yulia-svyrydenko", "ukraine")}  # First Deputy Prime Minister and Minister of Economy
    odd = {k: v for k, v in titles.items() if len(v) > 1 and k not in known_multi}
    assert not odd, f"one person, several titles for one country: {odd}"


def test_external_dates_carry_sources_and_article_dates_are_plausible() -> None:
    for f in samples():
        pub = f.article.published
        assert pub is not None and "2024-01-01" <= pub.value <= "2025-12-31"
        for e in f.events:
            if e.date is not None:
                assert e.date.value[:10] <= pub.value, f"{f.article.id}/{e.id}: dated after publication"
