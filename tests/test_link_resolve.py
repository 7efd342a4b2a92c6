"""The linker: homonyms by type and context, threshold, curated ids, redirects, online refresh and cache integrity."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from wikidata_replay import ReplayAdapter, replay_session

from pipeline.errors import LinkError, WikidataAPIError
from pipeline.link import CachedItem, CacheResolver, WikidataCache, link, resolve_facts
from pipeline.model import Article, Entity, Facts, WikidataLink
from pipeline.wikidata import WikidataClient

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "wikidata"
NOW = "2026-01-02T03:04:05Z"
PH = "Q98765"  # prefix of the recordings' placeholder ids


def ph(n: int) -> str:
    return f"Q{987650000 + n}"


def facts(*entities: Entity) -> Facts:
    return Facts(article=Article(id="t", text="t", title="t"), entities=entities)


def state(eid: str, name: str, qid: str | None = None) -> Entity:
    return Entity(eid, "State", name, wikidata=WikidataLink(qid, "curated", 1.0) if qid else None)


def curated_item(qid: str, label: str, classes: tuple[str, ...]) -> CachedItem:
    return CachedItem(qid, label, (), None, classes, {}, "test", "2000-01-01T00:00:00Z")


def online(tmp_path: Path, recording: str, **kw) -> tuple[CacheResolver, ReplayAdapter, list[float]]:
    adapter = ReplayAdapter.from_file(recording)
    sleeps: list[float] = []
    client = WikidataClient(replay_session(adapter), "diplokg-tests@example.org", sleep=sleeps.append,
                            rng=random.Random(1), **kw)
    return CacheResolver(WikidataCache(), tmp_path / "cache.json", client=client, now=lambda: NOW), adapter, sleeps


def by_id(f: Facts) -> dict[str, Entity]:
    return {e.id: e for e in f.entities}


# ------------------------------------------------------------------ homonyms
def test_paju_homonyms_are_told_apart_by_type_and_country(tmp_path: Path) -> None:
    r, adapter, _ = online(tmp_path, "paju-homonyms")
    counts = r.refresh([Entity("paju", "Place", "Paju")])
    assert adapter.pending == []
    assert counts["skipped"] == 1  # the disambiguation page is not stored
    assert ph(12) not in r.cache.items
    r.cache.items["Q884"] = curated_item("Q884", "South Korea", ("Q3624078",))
    r.cache.items["Q191"] = curated_item("Q191", "Estonia", ("Q3624078",))
    r.reindex()

    kr = by_id(link(facts(state("south-korea", "South Korea"), Entity("paju", "Place", "Paju", country="south-korea")), r))
    assert kr["south-korea"].wikidata.qid == "Q884"
    assert kr["paju"].wikidata == WikidataLink("Q42153", "cache-label", 1.0, NOW)
    assert kr["paju"].review is False

    ee = by_id(link(facts(state("estonia", "Estonia"), Entity("paju-ee", "Place", "Paju", country="estonia")), r))
    assert ee["paju-ee"].wikidata.qid == ph(10)

    # without a country the city and the village are equally good: no link, listed for review
    (alone,), (d,) = (lambda fd: (fd[0].entities, fd[1]))(resolve_facts(facts(Entity("paju", "Place", "Paju")), r))
    assert alone.wikidata is None and alone.review is True
    assert d.reason.startswith("ambiguous: Q42153")
    # the battle (alias "Paju") never qualifies as a place
    assert ph(11) not in {c.qid for c in d.candidates}


def test_georgia_country_us_state_person_and_deprecated_class(tmp_path: Path) -> None:
    r, adapter, _ = online(tmp_path, "georgia-homonyms")
    r.refresh([Entity("georgia", "State", "Georgia")])
    assert adapter.pending == []
    assert r.cache.items[ph(21)].classes == (ph(4),)  # the deprecated "sovereign state" is skipped
    r.cache.items["Q30"] = curated_item("Q30", "United States", ("Q3624078",))
    r.reindex()
    out = by_id(link(facts(
        state("united-states", "United States"),
        Entity("georgia", "State", "Georgia"),
        Entity("georgia-us", "Place", "Georgia", country="united-states"),
        Entity("georgia-singer", "Person", "Georgia", country="united-states"),
    ), r))
    assert out["georgia"].wikidata.qid == "Q230"
    assert out["georgia-us"].wikidata.qid == "Q1428"
    assert out["georgia-singer"].wikidata.qid == ph(20)


def test_without_the_deprecation_rule_the_film_would_make_georgia_ambiguous(tmp_path: Path) -> None:
    """Guards the previous test: un-deprecating the film's class must change the outcome."""
    r, _, _ = online(tmp_path, "georgia-homonyms")
    r.refresh([Entity("georgia", "State", "Georgia")])
    film = r.cache.items[ph(21)]
    r.cache.items[ph(21)] = CachedItem(film.id, film.label, film.aliases, film.description,
                                        ("Q3624078", *film.classes), film.claims, film.source, film.fetched)
    r.reindex()
    (e,) = link(facts(Entity("georgia", "State", "Georgia")), r).entities
    assert e.wikidata is None and e.review is True


# ------------------------------------------------------------------ threshold, context, ambiguity
def small_cache() -> CacheResolver:
    c = WikidataCache()
    c.items["Q7747"] = CachedItem("Q7747", "Vladimir Putin", ("Putin",), "President of Russia", ("Q5",),
                                  {"P27": ("Q159",)}, "test", "2000-01-01T00:00:00Z")
    c.items["Q159"] = curated_item("Q159", "Russia", ("Q3624078",))
    c.items["Q30"] = curated_item("Q30", "United States", ("Q3624078",))
    return CacheResolver(c)


def test_alias_to_alias_match_stays_below_threshold() -> None:
    r = small_cache()
    f, (d,) = resolve_facts(facts(Entity("p", "Person", "V. V. Putin", aliases=("Putin",))), r)
    assert f.entities[0].wikidata is None and f.entities[0].review is True
    assert d.reason == "best candidate Q7747 scores 0.75 < threshold 0.8"


def test_context_disagreement_blocks_an_exact_name() -> None:
    r = small_cache()
    out = by_id(link(facts(state("us", "United States"),
                           Entity("p", "Person", "Vladimir Putin", country="us")), r))
    assert out["p"].wikidata is None and out["p"].review is True
    ok = by_id(link(facts(state("ru", "Russia"), Entity("p", "Person", "Vladimir Putin", country="ru")), r))
    assert ok["p"].wikidata == WikidataLink("Q7747", "cache-label", 1.0, "2000-01-01T00:00:00Z")


def test_type_filter_keeps_a_person_off_a_place() -> None:
    r = small_cache()
    (e,) = link(facts(Entity("x", "Place", "Vladimir Putin")), r).entities
    assert e.wikidata is None and e.review is True


def test_two_equal_candidates_are_not_guessed() -> None:
    r = small_cache()
    r.cache.items["Q2"] = curated_item("Q2", "Vladimir Putin", ("Q5",))
    r.reindex()
    f, (d,) = resolve_facts(facts(Entity("p", "Person", "Vladimir Putin")), r)
    assert f.entities[0].wikidata is None
    assert d.reason.startswith("ambiguous:")


# ------------------------------------------------------------------ curated ids
def test_curated_id_kept_only_when_the_cache_agrees() -> None:
    r = small_cache()
    out, ds = resolve_facts(facts(
        Entity("putin", "Person", "Putin", wikidata=WikidataLink("Q7747", "curated", 1.0)),
        Entity("wrong", "Person", "Someone", wikidata=WikidataLink("Q159", "curated", 1.0)),
        Entity("unknown", "Person", "Nobody", wikidata=WikidataLink("Q123456", "curated", 1.0)),
    ), r)
    e = by_id(out)
    assert e["putin"].wikidata == WikidataLink("Q7747", "curated", 1.0, "2000-01-01T00:00:00Z")
    assert e["wrong"].wikidata is None and e["wrong"].review is True
    assert "do not fit type Person" in ds[1].reason
    assert e["unknown"].wikidata is None and "not in the cache" in ds[2].reason


def test_redirected_curated_id_follows_the_redirect(tmp_path: Path) -> None:
    r, adapter, _ = online(tmp_path, "redirect")
    wong = Entity("penny-wong", "Person", "Penny Wong", aliases=("Wong",),
                  wikidata=WikidataLink(ph(40), "curated", 1.0))
    counts = r.refresh([wong])
    assert adapter.pending == [] and counts["redirects"] == 1
    assert r.cache.redirects == {ph(40): ph(41)}
    out, (d,) = resolve_facts(facts(wong), r)
    assert out.entities[0].wikidata == WikidataLink(ph(41), "curated", 1.0, NOW)
    assert f"redirected from {ph(40)}" in d.reason
    r.save()
    again = CacheResolver.from_dir(tmp_path)
    assert again.cache.redirects == {ph(40): ph(41)} and ph(40) not in again.cache.items


# ------------------------------------------------------------------ cache: no HTTP, integrity
def test_cache_hit_makes_no_http_request_at_all() -> None:
    adapter = ReplayAdapter([])  # any request would raise UnmatchedRequest
    client = WikidataClient(replay_session(adapter), "diplokg-tests@example.org")
    r = CacheResolver.from_dir(SHIPPED, client=client)
    out = link(facts(state("russia", "Russia"), Entity("putin", "Person", "Vladimir Putin", country="russia")), r)
    assert [e.wikidata.qid for e in out.entities] == ["Q159", "Q7747"]
    assert adapter.log == []


def test_offline_resolver_refuses_to_refresh() -> None:
    with pytest.raises(LinkError, match="offline"):
        CacheResolver.from_dir(SHIPPED).refresh([Entity("x", "Place", "Seoul")])


def test_failure_mid_refresh_leaves_cache_file_and_memory_unchanged(tmp_path: Path) -> None:
    shutil.copy(SHIPPED / "cache.json", tmp_path / "cache.json")
    before = (tmp_path / "cache.json").read_bytes()
    adapter = ReplayAdapter.from_file("fail-mid-refresh")
    client = WikidataClient(replay_session(adapter), "diplokg-tests@example.org", sleep=lambda s: None,
                            max_attempts=3)
    r = CacheResolver.from_dir(tmp_path, client=client)
    items_before = dict(r.cache.items)
    with pytest.raises(WikidataAPIError, match="gave up after 3 attempts.*cache.json was left unchanged"):
        r.refresh([Entity("seoul", "Place", "Seoul"), Entity("tokyo", "Place", "Tokyo")])
    assert adapter.pending == []  # it did get as far as the entities
    assert r.cache.items == items_before
    assert (tmp_path / "cache.json").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["cache.json"]


def test_failed_write_leaves_no_temp_file_and_the_old_cache(tmp_path: Path, monkeypatch) -> None:
    shutil.copy(SHIPPED / "cache.json", tmp_path / "cache.json")
    before = (tmp_path / "cache.json").read_bytes()
    r = CacheResolver.from_dir(tmp_path)
    r.cache.items["Q1"] = curated_item("Q1", "x", ())

    def boom(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        r.save()
    assert (tmp_path / "cache.json").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["cache.json"]


def test_corrupt_cache_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "cache.json").write_text('{"format": "diplokg-wikidata-cache/1",\n "items": {', encoding="utf-8")
    with pytest.raises(LinkError, match=r"cache.json:2:\d+: Wikidata cache is not valid JSON"):
        CacheResolver.from_dir(tmp_path)
    (tmp_path / "cache.json").write_text("[]", encoding="utf-8")
    with pytest.raises(LinkError, match="not a diplokg Wikidata cache"):
        CacheResolver.from_dir(tmp_path)


def test_missing_cache_dir_is_an_empty_cache(tmp_path: Path) -> None:
    (e,) = link(facts(Entity("x", "State", "Russia")), CacheResolver.from_dir(tmp_path / "nope")).entities
    assert e.wikidata is None and e.review is True


def test_missing_curated_id_is_counted_and_left_for_review(tmp_path: Path) -> None:
    r, adapter, _ = online(tmp_path, "missing-curated")
    e = Entity("x", "Person", "Nobody Atall", wikidata=WikidataLink("Q999999999", "curated", 1.0))
    counts = r.refresh([e])
    assert adapter.pending == [] and counts["missing"] == 1 and counts["items"] == 0
    out, (d,) = resolve_facts(facts(e), r)
    assert out.entities[0].wikidata is None and out.entities[0].review
    assert "Q999999999 is not in the cache" in d.reason


def test_cached_disambiguation_page_is_never_a_candidate() -> None:
    r = small_cache()
    r.cache.items["Q3"] = curated_item("Q3", "Tokyo", ("Q4167410",))
    r.cache.items["Q4"] = curated_item("Q4", "Tokyo", ("Q515",))
    r.reindex()
    f, (d,) = resolve_facts(facts(Entity("t", "Place", "Tokyo")), r)
    assert [c.qid for c in d.candidates] == ["Q4"] and f.entities[0].wikidata.qid == "Q4"


def test_office_held_tells_same_named_people_apart(tmp_path: Path) -> None:
    from pipeline.model import OfficeHolding, Span
    r, adapter, _ = online(tmp_path, "kim-homonyms")
    kim = Entity("kim-jong-un", "Person", "Kim Jong Un", country="north-korea")
    r.refresh([kim])
    assert adapter.pending == [] and r.cache.positions[ph(60)].label == "Supreme Leader of North Korea"
    # without the office: two humans with the same label and no P27, so no link
    f, (d,) = resolve_facts(facts(kim), r)
    assert f.entities[0].wikidata is None and d.reason.startswith("ambiguous")
    # "North Korean leader Kim Jong Un": the office "Leader" fits the P39 label
    holding = OfficeHolding("kim-leader", "kim-jong-un", "Leader", "north-korea", Span(0, 1, "x"))
    f = Facts(article=Article(id="t", text="x", title="t"), entities=(kim,), holdings=(holding,))
    f, (d,) = resolve_facts(f, r)
    assert f.entities[0].wikidata.qid == "Q56226"
    assert "P39 fits (Supreme Leader of North Korea)" in d.reason
    # an office that is not held there does not fit
    other = OfficeHolding("kim-pm", "kim-jong-un", "Prime Minister", "north-korea", Span(0, 1, "x"))
    f = Facts(article=Article(id="t", text="x", title="t"), entities=(kim,), holdings=(other,))
    assert resolve_facts(f, r)[0].entities[0].wikidata is None
