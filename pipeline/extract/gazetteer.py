"""The extractor's dictionary of actors: states (name, demonym, capital, metonym), international
organisations, and whatever the caller adds (entities of curated facts files, the Wikidata cache).

Lookup is by exact surface form (case-sensitive, so "Turkey" is a state and "turkey" is not), longest
match first.

>>> g = Gazetteer.default()
>>> g.lookup("Pyongyang").entry.name, g.lookup("Pyongyang").form
('North Korea', 'capital')
>>> g.lookup("Australian").entry.iso3
'AUS'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.extract.countries import COUNTRY_ROWS, IGO_ROWS, LEADER_ROWS, NONSTATE_ROWS
from pipeline.iris import slugify
from pipeline.model import Entity, Facts


@dataclass(eq=False)
class GazEntry:
    """One actor the extractor can recognise (compared and hashed by identity: one object per actor)."""

    id: str
    type: str
    name: str
    iso3: str | None = None  # ISO-3 (or "IGO") code for PLOVER output
    qid: str | None = None
    country: str | None = None  # entity id of the state (persons, bodies, places)
    aliases: set[str] = field(default_factory=set)
    capitals: tuple[str, ...] = ()
    org: str | None = None  # entity id of an organisation a person acts for (PLOVER code "IGO")


@dataclass(frozen=True)
class Hit:
    """A lookup result: the entry and how the surface form names it."""

    entry: GazEntry
    form: str  # "name", "alias", "demonym", "capital", "metonym"


class Gazetteer:
    """Surface form -> actor."""

    def __init__(self) -> None:
        self.entries: dict[str, GazEntry] = {}
        self._forms: dict[str, Hit] = {}
        self.max_words = 1
        self.iso_to_id: dict[str, str] = {}
        #: first word of every form -> the most tokens a form starting with it can span (a quick filter)
        self.first_words: dict[str, int] = {}

    # -- building -----------------------------------------------------------------------------
    def _index(self, form: str, hit: Hit, override: bool = False) -> None:
        form = form.strip()
        if form.lower().startswith("the "):
            form = form[4:]
        if not form:
            return
        if override or form not in self._forms:
            self._forms[form] = hit
        width = len(form.replace("-", " - ").replace("’", " ’ ").replace("'", " ' ").replace(".", ". ").split()) + 2
        first = form.split()[0].split("-")[0]
        self.first_words[first] = max(self.first_words.get(first, 0), width)
        self.max_words = max(self.max_words, width)

    def add(self, entry: GazEntry, forms: Iterable[tuple[str, str]] = (), override: bool = False) -> GazEntry:
        """Add (or extend) an entry and index its name, aliases and the extra ``(form, kind)`` pairs."""
        known = self.entries.get(entry.id)
        if known is None:
            self.entries[entry.id] = entry
            known = entry
        else:
            known.aliases |= entry.aliases
            known.qid = known.qid or entry.qid
            known.iso3 = known.iso3 or entry.iso3
            known.country = known.country or entry.country
        self._index(known.name, Hit(known, "name"), override)
        for a in entry.aliases:
            self._index(a, Hit(known, "alias"), override)
        for f, kind in forms:
            self._index(f, Hit(known, kind), override)
        if known.iso3 and known.type == "State":
            self.iso_to_id.setdefault(known.iso3, known.id)
        return known

    @classmethod
    def default(cls) -> "Gazetteer":
        """Built-in vocabulary only: all states, major international organisations, widely reported
        non-state actors and the heads of state and government of the permanent Security Council members."""
        g = cls()
        for row in COUNTRY_ROWS.strip().splitlines():
            iso, name, others, demonyms, capitals = (row.split("|") + [""] * 5)[:5]
            split = lambda s: [x for x in s.split(";") if x]  # noqa: E731
            caps = tuple(split(capitals))
            e = GazEntry(slugify(name), "State", name, iso3=iso, aliases=set(split(others)), capitals=caps)
            forms = [(d, "demonym") for d in split(demonyms)]
            forms += [(c, "capital") for c in caps]
            g.add(e, forms)
        for row in IGO_ROWS.strip().splitlines():
            name, aliases = (row.split("|") + [""])[:2]
            g.add(GazEntry(slugify(name), "InternationalOrganization", name, iso3="IGO",
                           aliases={a for a in aliases.split(";") if a}))
        for row in NONSTATE_ROWS.strip().splitlines():
            name, aliases, home, kind = (row.split("|") + [""] * 4)[:4]
            if g.lookup(name) is not None:
                continue
            state = g.iso_to_id.get(home) if home else None
            g.add(GazEntry(slugify(name), "Organization" if kind == "NGO" else "Group", name,
                           iso3=kind if kind in ("NGO", "IMG") else None, country=state,
                           aliases={a for a in aliases.split(";") if a}))
        for row in LEADER_ROWS.strip().splitlines():
            name, aliases, home = (row.split("|") + [""] * 3)[:3]
            if g.lookup(name) is not None:
                continue
            g.add(GazEntry(slugify(name), "Person", name, country=g.iso_to_id.get(home),
                           aliases={a for a in aliases.split(";") if a}))
        return g

    def add_facts(self, facts: Iterable[Facts]) -> "Gazetteer":
        """Add the entities of curated facts files (names and aliases, countries, Wikidata ids)."""
        for f in facts:
            for e in f.entities:
                self.add_entity(e)
        return self

    def add_entity(self, e: Entity) -> GazEntry:
        """Add one model entity; a State whose name is already known keeps the built-in entry."""
        hit = self._forms.get(e.name)
        iso = None
        if e.type == "State" and hit is not None and hit.entry.type == "State":
            known = hit.entry
            for a in e.aliases:
                self._index(a, Hit(known, "alias"))
            if e.wikidata:
                known.qid = known.qid or e.wikidata.qid
            return known
        entry = GazEntry(e.id, e.type, e.name, iso, e.wikidata.qid if e.wikidata else None,
                         e.country, set(e.aliases))
        return self.add(entry)

    def add_wikidata_cache(self, directory: Path) -> "Gazetteer":
        """Add labels and aliases from the Wikidata cache (``data/wikidata/*.json``), if present.

        The cache holds Wikidata ``wbgetentities`` shaped records; entries that cannot be read are
        skipped (the cache is an optional enrichment, never a reason to fail extraction).
        """
        directory = Path(directory)
        if not directory.is_dir():
            return self
        for path in sorted(directory.glob("*.json")):
            try:
                data = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            for ent in _wikidata_entities(data):
                self._add_wikidata_entity(ent)
        return self

    def _add_wikidata_entity(self, ent: dict) -> None:
        qid = ent.get("id")
        labels = ent.get("labels") or {}
        label = (labels.get("en") or {}).get("value") if isinstance(labels.get("en"), dict) else labels.get("en")
        if not qid or not label:
            return
        aliases_raw = (ent.get("aliases") or {}).get("en") or []
        aliases = {a.get("value") if isinstance(a, dict) else a for a in aliases_raw}
        aliases.discard(None)
        hit = self._forms.get(label)
        if hit is not None:
            hit.entry.qid = hit.entry.qid or qid
            for a in aliases:
                if a and a[:1].isupper() and len(a) > 2:
                    self._index(a, Hit(hit.entry, "alias"))
            return
        etype = _wikidata_type(ent)
        if etype is None:
            return
        self.add(GazEntry(slugify(label), etype, label, None, qid,
                          aliases={a for a in aliases if a and a[:1].isupper() and len(a) > 2}))

    # -- lookup -------------------------------------------------------------------------------
    def lookup(self, form: str) -> Hit | None:
        """The entry a surface form names, or None."""
        return self._forms.get(form)

    def by_iso(self, iso3: str) -> GazEntry | None:
        eid = self.iso_to_id.get(iso3)
        return self.entries.get(eid) if eid else None

    def iso_of(self, entry: GazEntry) -> str | None:
        """ISO-3 (or "IGO") code of an entry, following ``country`` for persons, bodies and places."""
        if entry.iso3:
            return entry.iso3
        for ref in (entry.country, entry.org):
            if ref and ref in self.entries:
                return self.entries[ref].iso3
        return None


def _wikidata_entities(data: object) -> Iterable[dict]:
    if isinstance(data, dict) and isinstance(data.get("items"), dict):  # diplokg-wikidata-cache/1
        for v in data["items"].values():
            if isinstance(v, dict):
                yield {"id": v.get("id"), "labels": {"en": v.get("label")}, "aliases": {"en": v.get("aliases") or []},
                       "_classes": v.get("classes") or []}
        return
    if isinstance(data, dict):
        if "entities" in data and isinstance(data["entities"], dict):
            yield from (v for v in data["entities"].values() if isinstance(v, dict))
        elif "id" in data and "labels" in data:
            yield data
        else:
            for v in data.values():
                if isinstance(v, dict) and "labels" in v:
                    yield v
    elif isinstance(data, list):
        for v in data:
            yield from _wikidata_entities(v)


_P31_TYPES = {
    "Q5": "Person", "Q6256": "State", "Q3624078": "State", "Q484652": "InternationalOrganization",
    "Q327333": "GovernmentBody", "Q43229": "Organization", "Q515": "Place", "Q5119": "Place",
    "Q1637706": "Place", "Q131569": "LegalInstrument",
}


def _wikidata_type(ent: dict) -> str | None:
    for q in ent.get("_classes") or ():
        if q in _P31_TYPES:
            return _P31_TYPES[q]
    claims = ent.get("claims") or {}
    for c in claims.get("P31", []) if isinstance(claims, dict) else []:
        try:
            q = c["mainsnak"]["datavalue"]["value"]["id"]
        except (KeyError, TypeError):
            continue
        if q in _P31_TYPES:
            return _P31_TYPES[q]
    return None
