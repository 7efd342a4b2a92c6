"""Writes the Wikidata recordings in this folder (run: ``python tests/recordings/wikidata/make_recordings.py``).

There is no internet on the machines this project is built on, so these exchanges are
built by hand in exactly the shape of the real API (see /work/shared/design/wikidata-api.md):
``wbsearchentities`` hits with ``id/concepturi/url/title/pageid/label/description/match``,
``wbgetentities`` entities with ``type/id/labels/descriptions/aliases/claims`` (statements
with ``mainsnak/type/id/rank``), the ``missing`` form, the ``error`` form (HTTP 200),
``maxlag`` with ``Retry-After``/``X-Database-Lag``, 429/503, a 403 for the User-Agent
policy, timeouts, DNS failure, truncated JSON and a redirect.

Ids: Q42153 (Paju), Q884, Q30, Q5, Q515, Q3624078, Q6256 are the issue's confirmed ids;
Q230 (Georgia, the country), Q1428 (Georgia, the US state), Q191 (Estonia),
Q4167410 (Wikimedia disambiguation page), Q486972 (human settlement), Q532 (village) and
Q56061 (administrative territorial entity) are well-known public ids. Every id from
Q987650000 up is a PLACEHOLDER for an item whose real id was not checked; labels and
claims of test items are test data, not facts shipped anywhere.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
API = "https://www.wikidata.org/w/api.php"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
P = 987650000  # placeholder id base


def q(n: int) -> str:
    return f"Q{P + n}"


def statement(qid: str, prop: str, value: str, rank: str = "normal", n: int = 0) -> dict[str, Any]:
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{qid}/{prop}/{value}/{n}")).upper()
    return {
        "mainsnak": {
            "snaktype": "value", "property": prop,
            "datavalue": {"value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
                          "type": "wikibase-entityid"},
            "datatype": "wikibase-item",
        },
        "type": "statement", "id": f"{qid}${guid}", "rank": rank,
    }


def entity(qid: str, label: str | None, description: str | None = None, aliases: tuple[str, ...] = (),
           claims: dict[str, list[Any]] | None = None, label_lang: str = "en") -> dict[str, Any]:
    """An item as wbgetentities returns it; claims values are ids or (id, rank) pairs."""
    out: dict[str, Any] = {"type": "item", "id": qid, "labels": {}, "descriptions": {}, "aliases": {}, "claims": {}}
    if label:
        out["labels"][label_lang] = {"language": label_lang, "value": label}
    if description:
        out["descriptions"]["en"] = {"language": "en", "value": description}
    if aliases:
        out["aliases"]["en"] = [{"language": "en", "value": a} for a in aliases]
    for prop, values in (claims or {}).items():
        out["claims"][prop] = [
            statement(qid, prop, *(v if isinstance(v, tuple) else (v,)), n=i) for i, v in enumerate(values)
        ]
    return out


def hit(qid: str, label: str, description: str | None, pageid: int, match: str = "label",
        text: str | None = None) -> dict[str, Any]:
    h: dict[str, Any] = {
        "id": qid, "title": qid, "pageid": pageid, "repository": "wikidata",
        "url": f"//www.wikidata.org/wiki/{qid}", "concepturi": f"http://www.wikidata.org/entity/{qid}",
        "label": label,
        "display": {"label": {"value": label, "language": "en"}},
        "match": {"type": match, "language": "en", "text": text or label},
    }
    if description is not None:
        h["description"] = description
        h["display"]["description"] = {"value": description, "language": "en"}
    if match == "alias":
        h["aliases"] = [text or label]
    return h


def search_req(text: str) -> dict[str, Any]:
    return {"method": "GET", "url": API, "query": {
        "action": "wbsearchentities", "search": text, "language": "en", "type": "item", "limit": "10",
        "format": "json", "maxlag": "5"}}


def get_req(ids: list[str], props: str = "labels|aliases|descriptions|claims") -> dict[str, Any]:
    ids = sorted(ids, key=lambda x: int(x[1:]))
    return {"method": "GET", "url": API, "query": {
        "action": "wbgetentities", "ids": "|".join(ids), "props": props, "languages": "en|mul",
        "languagefallback": "1", "format": "json", "maxlag": "5"}}


def ok(body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"status": 200, "headers": {**JSON_HEADERS, **(headers or {})}, "json": body}


def search_ok(text: str, hits: list[dict[str, Any]]) -> dict[str, Any]:
    return {"request": search_req(text), "response": ok({"searchinfo": {"search": text}, "search": hits, "success": 1})}


def get_ok(ids: list[str], ents: dict[str, Any], props: str = "labels|aliases|descriptions|claims") -> dict[str, Any]:
    return {"request": get_req(ids, props), "response": ok({"entities": ents, "success": 1})}


def classes(spec: dict[str, tuple[str, list[str]]]) -> dict[str, Any]:
    return {c: entity(c, label, claims={"P279": sups} if sups else None) for c, (label, sups) in spec.items()}


MAXLAG = {"status": 200, "headers": {**JSON_HEADERS, "Retry-After": "7", "X-Database-Lag": "7",
                                     "MediaWiki-API-Error": "maxlag"},
          "json": {"error": {"code": "maxlag", "info": "Waiting for 10.64.48.35: 7.2 seconds lagged.",
                             "host": "10.64.48.35", "lag": 7.2, "type": "db",
                             "*": "See https://www.wikidata.org/w/api.php for API usage."},
                   "servedby": "mw-api-ext.eqiad.main-6b4f5c7d9-x2k8p"}}
TOO_MANY = {"status": 429, "headers": {"Content-Type": "text/html; charset=utf-8", "Retry-After": "3"},
            "text": "<!DOCTYPE html><html><head><title>Wikimedia Error</title></head><body>"
                    "<p>Too many requests. Please slow down.</p></body></html>"}
UNAVAILABLE = {"status": 503, "headers": {"Content-Type": "text/html; charset=utf-8"},
               "text": "<!DOCTYPE html><html><body><p>Our servers are currently under maintenance or "
                       "experiencing a technical issue.</p></body></html>"}
TIMEOUT = {"raise": "timeout"}

# ------------------------------------------------------------------ Paju: a city and its homonyms
PAJU_CITY = entity("Q42153", "Paju", "city in Gyeonggi Province, South Korea", claims={
    "P31": [q(1)], "P17": ["Q884"]})
PAJU_VILLAGE = entity(q(10), "Paju", "village in Estonia", claims={"P31": ["Q532"], "P17": ["Q191"]})
PAJU_BATTLE = entity(q(11), "Battle of Paju", "battle in 1919", aliases=("Paju",), claims={"P31": [q(2)]})
PAJU_DISAMBIG = entity(q(12), "Paju", "Wikimedia disambiguation page", claims={"P31": ["Q4167410"]})
PAJU_CLASSES = {
    q(1): ("city of South Korea", ["Q515"]),
    "Q515": ("city", ["Q486972"]),
    "Q532": ("village", ["Q486972"]),
    "Q486972": ("human settlement", []),
    q(2): ("battle", []),
}

# ------------------------------------------------------------------ Georgia: a country, a US state, a person, a film
GEORGIA_COUNTRY = entity("Q230", "Georgia", "country in the Caucasus", claims={
    "P31": ["Q3624078", "Q6256"], "P17": ["Q230"]})
GEORGIA_STATE = entity("Q1428", "Georgia", "state of the United States of America", claims={
    "P31": [q(3)], "P17": ["Q30"]})
GEORGIA_PERSON = entity(q(20), "Georgia", "American singer (test homonym)", claims={"P31": ["Q5"], "P27": ["Q30"]})
# a film whose old, wrong "sovereign state" class is deprecated: it must not count
GEORGIA_FILM = entity(q(21), "Georgia", "film (test item with a deprecated P31)", claims={
    "P31": [("Q3624078", "deprecated"), q(4)]})
GEORGIA_DISAMBIG = entity(q(22), "Georgia", "Wikimedia disambiguation page", claims={"P31": ["Q4167410"]})
GEORGIA_CLASSES = {
    "Q3624078": ("sovereign state", ["Q6256"]),
    "Q6256": ("country", [q(5)]),
    q(5): ("geographic location (test chain)", ["Q2221906"]),
    "Q2221906": ("geographic location", []),
    q(3): ("state of the United States", ["Q56061"]),
    "Q56061": ("administrative territorial entity", []),
    "Q5": ("human", []),
    q(4): ("film", []),
}


def write(name: str, note: str, interactions: list[dict[str, Any]]) -> None:
    data = {"note": note, "interactions": interactions}
    (HERE / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    paju_ids = ["Q42153", q(10), q(11), q(12)]
    write("paju-homonyms", "Refresh for 'Paju': the South Korean city, an Estonian village, a battle with the alias "
          "'Paju' and a disambiguation page; then the class table up P279.", [
        search_ok("Paju", [
            hit("Q42153", "Paju", "city in Gyeonggi Province, South Korea", 45001),
            hit(q(10), "Paju", "village in Estonia", 90001),
            hit(q(12), "Paju", "Wikimedia disambiguation page", 90002),
            hit(q(11), "Battle of Paju", "battle in 1919", 90003, match="alias", text="Paju"),
        ]),
        get_ok(paju_ids, {i: e for i, e in zip(paju_ids, [PAJU_CITY, PAJU_VILLAGE, PAJU_BATTLE, PAJU_DISAMBIG])}),
        get_ok([q(1), q(2), "Q532"], classes({k: PAJU_CLASSES[k] for k in (q(1), q(2), "Q532")}), "labels|claims"),
        get_ok(["Q515", "Q486972"], classes({k: PAJU_CLASSES[k] for k in ("Q515", "Q486972")}), "labels|claims"),
    ])
    g_ids = ["Q230", "Q1428", q(20), q(21), q(22)]
    write("georgia-homonyms", "Refresh for 'Georgia': country, US state, a person, a film with a deprecated "
          "'sovereign state' P31, a disambiguation page.", [
        search_ok("Georgia", [
            hit("Q230", "Georgia", "country in the Caucasus", 230001),
            hit("Q1428", "Georgia", "state of the United States of America", 1428001),
            hit(q(22), "Georgia", "Wikimedia disambiguation page", 90020),
            hit(q(20), "Georgia", "American singer (test homonym)", 90021),
            hit(q(21), "Georgia", "film (test item with a deprecated P31)", 90022),
        ]),
        get_ok(g_ids, {i: e for i, e in zip(g_ids, [GEORGIA_COUNTRY, GEORGIA_STATE, GEORGIA_PERSON, GEORGIA_FILM,
                                                     GEORGIA_DISAMBIG])}),
        get_ok(["Q5", "Q6256", "Q3624078", q(3), q(4)],
               classes({k: GEORGIA_CLASSES[k] for k in ("Q5", "Q6256", "Q3624078", q(3), q(4))}), "labels|claims"),
        get_ok(["Q56061", q(5)], classes({k: GEORGIA_CLASSES[k] for k in ("Q56061", q(5))}), "labels|claims"),
        get_ok(["Q2221906"], classes({"Q2221906": GEORGIA_CLASSES["Q2221906"]}), "labels|claims"),
    ])
    seoul = [hit("Q8684", "Seoul", "capital and largest city of South Korea", 8684001)]
    write("retry-then-success", "Search 'Seoul': maxlag (Retry-After 7), 429 (Retry-After 3), 503 without "
          "Retry-After, a read timeout, truncated JSON, then the answer.", [
        {"request": search_req("Seoul"), "response": MAXLAG},
        {"request": search_req("Seoul"), "response": TOO_MANY},
        {"request": search_req("Seoul"), "response": UNAVAILABLE},
        {"request": search_req("Seoul"), "response": TIMEOUT},
        {"request": search_req("Seoul"), "response": {"status": 200, "headers": JSON_HEADERS,
                                                      "text": '{"searchinfo": {"search": "Seoul"}, "search": [{"id": "Q86'}},
        search_ok("Seoul", seoul),
    ])
    write("maxlag-long", "maxlag asking for 120 s and a 429 with an HTTP-date Retry-After far away: waits are capped.", [
        {"request": search_req("Seoul"), "response": {**MAXLAG, "headers": {**MAXLAG["headers"], "Retry-After": "120"}}},
        {"request": search_req("Seoul"), "response": {**TOO_MANY, "headers": {
            **TOO_MANY["headers"], "Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}}},
        search_ok("Seoul", seoul),
    ])
    write("give-up", "Search 'Seoul' answered with 429 every time.", [
        {"request": search_req("Seoul"), "response": TOO_MANY} for _ in range(5)
    ])
    write("fail-mid-refresh", "Two searches succeed, then wbgetentities answers truncated JSON until the client gives up.", [
        search_ok("Seoul", seoul),
        search_ok("Tokyo", [hit("Q1490", "Tokyo", "capital of Japan", 1490001)]),
        *[{"request": get_req(["Q1490", "Q8684"]), "response": {"status": 200, "headers": JSON_HEADERS,
                                                              "text": '{"entities": {"Q1490": {"type": "item", "id": "Q14'}}
          for _ in range(3)],
    ])
    write("forbidden", "A 403 for the User-Agent policy (text/plain body as Wikimedia's edge sends it).", [
        {"request": search_req("Seoul"), "response": {
            "status": 403, "headers": {"Content-Type": "text/plain"},
            "text": "Please set a user-agent and respect our robot policy https://w.wiki/4wJS. See also T400119.\n"}},
    ])
    write("dns-failure", "No network: the name www.wikidata.org does not resolve.", [
        {"request": search_req("Seoul"), "response": {"raise": "dns"}},
    ])
    write("garbage", "HTML where JSON was expected, on every attempt (a captive portal or proxy).", [
        {"request": search_req("Seoul"), "response": {"status": 200, "headers": {"Content-Type": "text/html"},
                                                      "text": "<html><body>Login to the hotel Wi-Fi</body></html>"}}
        for _ in range(3)
    ])
    write("api-error", "An API-level error (HTTP 200 with an error object) and a missing entity.", [
        {"request": get_req([q(30)]), "response": ok({"error": {
            "code": "no-such-entity", "info": f"Could not find an entity with the ID \"{q(30)}\".", "id": q(30),
            "*": "See https://www.wikidata.org/w/api.php for API usage."}, "servedby": "mw1193"})},
        get_ok(["Q999999999"], {"Q999999999": {"id": "Q999999999", "missing": ""}}),
    ])
    old, new = q(40), q(41)
    write("redirect", f"A curated id {old} that was merged into {new}: wbgetentities answers under the requested id "
          "with the target's id and a 'redirects' member.", [
        search_ok("Penny Wong", [hit(new, "Penny Wong", "Australian politician (test item)", 90040)]),
        search_ok("Wong", []),
        get_ok([old, new], {
            old: {**entity(new, "Penny Wong", "Australian politician (test item)", claims={"P31": ["Q5"], "P27": ["Q408"]}),
                  "redirects": {"from": old, "to": new}},
            new: entity(new, "Penny Wong", "Australian politician (test item)", claims={"P31": ["Q5"], "P27": ["Q408"]}),
        }),
        get_ok(["Q5"], classes({"Q5": ("human", [])}), "labels|claims"),
    ])
    write("missing-curated", "A curated id that does not exist (the 'missing' form) and a name with no hits.", [
        search_ok("Nobody Atall", []),
        get_ok(["Q999999999"], {"Q999999999": {"id": "Q999999999", "missing": ""}}),
    ])
    kims = ["Q56226", q(61)]
    write("kim-homonyms", "Two people labelled 'Kim Jong Un' (the leader and a test homonym), neither with "
          "P27 in this recording: only the position held (P39) tells them apart.", [
        search_ok("Kim Jong Un", [
            hit("Q56226", "Kim Jong Un", "Supreme Leader of North Korea since 2011", 56226001),
            hit(q(61), "Kim Jong Un", "South Korean footballer (test homonym)", 90061),
        ]),
        get_ok(kims, {
            "Q56226": entity("Q56226", "Kim Jong Un", "Supreme Leader of North Korea since 2011",
                             claims={"P31": ["Q5"], "P39": [q(60)]}),
            q(61): entity(q(61), "Kim Jong Un", "South Korean footballer (test homonym)", claims={"P31": ["Q5"]}),
        }),
        get_ok([q(60)], {q(60): entity(q(60), "Supreme Leader of North Korea")}, "labels"),
        get_ok(["Q5"], classes({"Q5": ("human", [])}), "labels|claims"),
    ])
    cities = ["Q1490", "Q8684"]
    write("seoul-tokyo-refresh", "A full refresh of a two-entity corpus (Seoul, Tokyo) as `diplokg link --online` "
          "runs it.", [
        search_ok("Seoul", seoul),
        search_ok("Tokyo", [hit("Q1490", "Tokyo", "capital of Japan", 1490001)]),
        get_ok(cities, {
            "Q1490": entity("Q1490", "Tokyo", "capital of Japan", claims={"P31": [q(6)], "P17": ["Q17"]}),
            "Q8684": entity("Q8684", "Seoul", "capital and largest city of South Korea",
                            claims={"P31": [q(6)], "P17": ["Q884"]}),
        }),
        get_ok([q(6)], classes({q(6): ("capital city (test class)", ["Q515"])}), "labels|claims"),
        get_ok(["Q515"], classes({"Q515": ("city", [])}), "labels|claims"),
    ])


if __name__ == "__main__":
    main()
