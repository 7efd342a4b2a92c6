"""The Wikidata HTTP client against replayed exchanges (tests/recordings/wikidata/)."""

from __future__ import annotations

import random

import pytest
from wikidata_replay import ReplayAdapter, UnmatchedRequest, replay_session

from pipeline.errors import UsageError, WikidataAPIError
from pipeline.wikidata import WikidataClient, parse_retry_after, statement_values


class Sleeps(list):
    """An injected ``sleep`` that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(name: str, **kw):
    adapter = ReplayAdapter.from_file(name) if isinstance(name, str) else ReplayAdapter(name)
    sleeps = Sleeps()
    opts = {"sleep": sleeps, "rng": random.Random(1), "max_wait": 60.0, "backoff": 1.0}
    opts.update(kw)
    client = WikidataClient(replay_session(adapter), "diplokg-tests@example.org", **opts)
    return client, adapter, sleeps


def test_unmatched_request_fails_instead_of_reaching_the_network() -> None:
    client, adapter, _ = client_for([])
    with pytest.raises(UnmatchedRequest, match="no recording for GET https://www.wikidata.org/w/api.php"):
        client.search("Seoul")
    assert len(adapter.log) == 1


@pytest.mark.parametrize("contact", [None, "", "   ", "me"])
def test_no_contact_is_refused_before_any_request(contact) -> None:
    adapter = ReplayAdapter([])
    with pytest.raises(UsageError, match="contact"):
        WikidataClient(replay_session(adapter), contact)
    assert adapter.log == []


def test_requests_carry_user_agent_gzip_maxlag_and_timeouts() -> None:
    client, adapter, sleeps = client_for("paju-homonyms")
    hits = client.search("Paju")
    assert [h.id for h in hits] == ["Q42153", "Q987650010", "Q987650012", "Q987650011"]
    assert hits[3].match_type == "alias" and hits[3].match_text == "Paju"
    sent = adapter.log[0]
    ua = sent["headers"]["User-Agent"]
    assert ua.startswith("diplokg/") and "(diplokg-tests@example.org)" in ua and "python-requests/" in ua
    assert sent["headers"]["Accept-Encoding"] == "gzip"
    assert sent["query"]["maxlag"] == "5" and sent["query"]["format"] == "json"
    assert sent["timeout"] == (10.0, 30.0)
    assert sleeps == []


def test_retries_honour_retry_after_then_back_off_within_the_bound() -> None:
    client, adapter, sleeps = client_for("retry-then-success", max_attempts=6)
    hits = client.search("Seoul")
    assert [h.id for h in hits] == ["Q8684"]
    assert len(adapter.log) == 6 and adapter.pending == []
    # maxlag: Retry-After 7; 429: Retry-After 3; then 503, timeout, truncated JSON: exponential + jitter
    assert sleeps[:2] == [7.0, 3.0]
    for n, wait in enumerate(sleeps[2:], start=2):
        assert 2 ** n <= wait <= 2 ** n + 1.0
    assert all(w <= 60.0 for w in sleeps)


def test_waits_are_capped_even_when_the_server_asks_for_more() -> None:
    client, _, sleeps = client_for("maxlag-long", max_wait=30.0)
    assert [h.id for h in client.search("Seoul")] == ["Q8684"]
    assert sleeps == [30.0, 30.0]


def test_gives_up_after_max_attempts() -> None:
    client, adapter, sleeps = client_for("give-up", max_attempts=5)
    with pytest.raises(WikidataAPIError, match=r"gave up after 5 attempts \(last: HTTP 429\)"):
        client.search("Seoul")
    assert len(adapter.log) == 5
    assert sleeps == [3.0] * 4  # Retry-After honoured between attempts, none after the last


def test_403_names_the_user_agent_policy() -> None:
    client, adapter, sleeps = client_for("forbidden")
    with pytest.raises(WikidataAPIError, match="403 Forbidden.*User-Agent.*robot policy"):
        client.search("Seoul")
    assert len(adapter.log) == 1 and sleeps == []


def test_dns_failure_is_a_clear_error_without_retries() -> None:
    client, adapter, sleeps = client_for("dns-failure")
    with pytest.raises(WikidataAPIError, match="DNS lookup of www.wikidata.org failed \\(no network or DNS failure\\)"):
        client.search("Seoul")
    assert len(adapter.log) == 1 and sleeps == []


def test_garbage_json_is_retried_then_reported() -> None:
    client, adapter, sleeps = client_for("garbage", max_attempts=3)
    with pytest.raises(WikidataAPIError, match="gave up after 3 attempts.*unparsable JSON"):
        client.search("Seoul")
    assert len(adapter.log) == 3 and len(sleeps) == 2


def test_api_error_object_and_missing_entity() -> None:
    client, _, _ = client_for("api-error")
    with pytest.raises(WikidataAPIError, match="'no-such-entity'.*Could not find an entity"):
        client.get_entities(["Q987650030"])
    assert client.get_entities(["Q999999999"]) == {"Q999999999": {"id": "Q999999999", "missing": ""}}


def test_redirect_is_keyed_by_the_requested_id() -> None:
    client, _, _ = client_for("redirect")
    client.search("Penny Wong")
    client.search("Wong")
    ents = client.get_entities(["Q987650041", "Q987650040"])
    assert ents["Q987650040"]["id"] == "Q987650041"
    assert ents["Q987650040"]["redirects"] == {"from": "Q987650040", "to": "Q987650041"}


def test_batches_of_at_most_fifty_ids() -> None:
    ids = [f"Q{n}" for n in range(1, 121)]
    recs = []
    for chunk in (ids[:50], ids[50:100], ids[100:]):
        recs.append({"request": {"method": "GET", "url": "https://www.wikidata.org/w/api.php", "query": {
            "action": "wbgetentities", "ids": "|".join(chunk), "props": "labels|aliases|descriptions|claims",
            "languages": "en|mul", "languagefallback": "1", "format": "json", "maxlag": "5"}},
            "response": {"status": 200, "headers": {}, "json": {
                "entities": {i: {"id": i, "missing": ""} for i in chunk}, "success": 1}}})
    client, adapter, _ = client_for(recs)
    assert len(client.get_entities(reversed(ids))) == 120
    assert len(adapter.log) == 3 and adapter.pending == []


def test_deprecated_statements_are_skipped_and_preferred_come_first() -> None:
    def st(qid: str, rank: str) -> dict:
        return {"rank": rank, "type": "statement", "mainsnak": {
            "snaktype": "value", "property": "P31", "datatype": "wikibase-item",
            "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": qid}}}}
    ent = {"claims": {"P31": [st("Q1", "normal"), st("Q2", "deprecated"), st("Q3", "preferred"),
                              {"rank": "normal", "mainsnak": {"snaktype": "novalue", "property": "P31"}}]}}
    assert statement_values(ent, "P31") == ("Q3", "Q1")


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after(None) is None


def test_docstring_examples() -> None:
    import doctest

    import pipeline.link
    import pipeline.wikidata
    for mod in (pipeline.wikidata, pipeline.link):
        res = doctest.testmod(mod)
        assert res.failed == 0 and res.attempted > 0, mod.__name__
