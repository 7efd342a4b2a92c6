"""The linking stage: ``link(facts, resolver) -> facts`` with Wikidata ``owl:sameAs`` links.

Builds resolve entities from the **shipped cache** (``data/wikidata/cache.json``) and
never touch the network; :class:`CacheResolver` goes online only when constructed with
a :class:`~pipeline.wikidata.WikidataClient` (``diplokg link --online``).

How an entity is matched (all against cached labels and aliases; see ``docs/linking.md``):

1. **Candidates**: cached items whose label or alias equals (after normalisation: case,
   dots, dashes, quotes, spaces) the entity's name or one of its aliases. Name score:
   name = label 1.0; name = item alias 0.9; entity alias = label 0.85; alias = alias 0.75.
2. **Type** (``P31``, followed up ``P279`` through the cached class table): a candidate whose
   classes are known and none is acceptable for the entity's type is dropped; Wikimedia
   disambiguation pages and list articles are always dropped. Known and acceptable: x1.0;
   no class known at all (a curated entry without classes): x0.9.
3. **Context**: a person's citizenship (``P27``) or a place's country (``P17``) against the
   link of the entity's ``country``: agrees x1.0, unknown x0.95, disagrees x0.5; a person's
   position held (``P39``) whose label contains every word of an office the article gives
   them (``Foreign Minister`` fits ``Minister for Foreign Affairs``, ``President`` fits
   ``President of Russia``) adds 0.1; a description naming the country or the office adds
   0.02 (ordering only).
4. **Decision**: the best candidate is linked when its score is >= :data:`THRESHOLD` and
   beats the runner-up by :data:`MARGIN`; otherwise the entity stays unlinked with
   ``review=True``. A wrong link is worse than none.

A curated ``wikidata:`` id from a facts file (method ``"curated"``) is kept when the cache
holds it (following redirects) and its type agrees; otherwise it is dropped and reported.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.errors import LinkError, WikidataAPIError
from pipeline.model import Entity, Facts, WikidataLink
from pipeline.wikidata import (
    WikidataClient, alias_values, statement_values, text_value, utc_now,
)

CACHE_FILE = "cache.json"
CACHE_FORMAT = "diplokg-wikidata-cache/1"
THRESHOLD = 0.8
MARGIN = 0.1
CLASS_DEPTH = 6  # how far up P279 the online refresh follows classes

HUMAN, COUNTRY, SOVEREIGN_STATE, INTL_ORG, CITY, TREATY = "Q5", "Q6256", "Q3624078", "Q484652", "Q515", "Q131569"
DISAMBIGUATION = "Q4167410"  # Wikimedia disambiguation page
LIST_ARTICLE = "Q13406463"  # Wikimedia list article
NEVER = frozenset({DISAMBIGUATION, LIST_ARTICLE})

#: Classes acceptable for each entity type (an item qualifies when one of its P31 classes is,
#: or is a cached P279 subclass of, one of these).
ACCEPT: dict[str, frozenset[str]] = {
    "Person": frozenset({HUMAN}),
    "State": frozenset({SOVEREIGN_STATE, COUNTRY}),
    "InternationalOrganization": frozenset({INTL_ORG, "Q245065"}),  # + intergovernmental organization
    "Organization": frozenset({"Q43229", INTL_ORG}),  # organization
    "GovernmentBody": frozenset({"Q327333", "Q7188"}),  # government agency, government
    "Place": frozenset({CITY, "Q486972", "Q56061", "Q2221906", "Q618123"}),
    # city, human settlement, administrative territorial entity, geographic location, geographical feature
    "Group": frozenset({"Q43229", INTL_ORG}),
    "LegalInstrument": frozenset({TREATY, "Q7748"}),  # treaty, law
}

_TYPE_ORDER = ("State", "InternationalOrganization", "Organization", "GovernmentBody", "Place",
               "Group", "LegalInstrument", "Person")


def normalise(name: str) -> str:
    """Matching key of a name: NFKC, case-folded, dots dropped, dashes/quotes unified, spaces collapsed.

    >>> normalise("U.N.  Security Council")
    'un security council'
    >>> normalise("Cho Tae‑yul") == normalise("cho tae-yul")
    True
    """
    s = unicodedata.normalize("NFKC", name).casefold()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"[\u2018\u2019\u02bc`]", "'", s)
    s = s.replace(".", "")
    return re.sub(r"\s+", " ", s).strip()


# =============================================================================== the cache
@dataclass(frozen=True)
class CachedItem:
    """What the cache knows about one Wikidata item.

    ``classes`` are its ``P31`` values; ``claims`` holds item-valued ``P17``/``P27``/``P39``
    values (non-deprecated). ``source`` says where the entry comes from, ``fetched`` when.
    """

    id: str
    label: str | None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    classes: tuple[str, ...] = ()
    claims: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    fetched: str = ""

    def names(self) -> list[tuple[str, bool]]:
        """``(normalised name, is_label)`` pairs."""
        out = [(normalise(self.label), True)] if self.label else []
        return out + [(normalise(a), False) for a in self.aliases]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "aliases": list(self.aliases),
            "description": self.description, "classes": list(self.classes),
            "claims": {k: list(v) for k, v in sorted(self.claims.items()) if v},
            "source": self.source, "fetched": self.fetched,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CachedItem":
        return cls(
            id=data["id"], label=data.get("label"), aliases=tuple(data.get("aliases") or ()),
            description=data.get("description"), classes=tuple(data.get("classes") or ()),
            claims={k: tuple(v) for k, v in (data.get("claims") or {}).items()},
            source=data.get("source", ""), fetched=data.get("fetched", ""),
        )

    @classmethod
    def from_api(cls, ent: dict[str, Any], fetched: str, source: str) -> "CachedItem":
        """Build from a ``wbgetentities`` entity object (deprecated statements skipped)."""
        return cls(
            id=ent["id"], label=text_value(ent, "labels"), aliases=alias_values(ent),
            description=text_value(ent, "descriptions"), classes=statement_values(ent, "P31"),
            claims={p: statement_values(ent, p) for p in ("P17", "P27", "P39") if statement_values(ent, p)},
            source=source, fetched=fetched,
        )


@dataclass(frozen=True)
class CachedClass:
    """A class item: its label and direct superclasses (``P279``)."""

    id: str
    label: str | None
    subclass_of: tuple[str, ...] = ()
    source: str = ""
    fetched: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "subclass_of": list(self.subclass_of),
                "source": self.source, "fetched": self.fetched}


def _qkey(q: str) -> tuple[int, str]:
    return (int(q[1:]), q) if q[1:].isdigit() else (1 << 62, q)


@dataclass
class WikidataCache:
    """The entity cache: items, classes, positions and redirects, stored as one sorted JSON file.

    ``positions`` holds the labels of the ``P39`` (position held) values of cached people, for
    the office context.
    """

    items: dict[str, CachedItem] = field(default_factory=dict)
    classes: dict[str, CachedClass] = field(default_factory=dict)
    positions: dict[str, CachedClass] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)

    def resolve_id(self, qid: str) -> str:
        """Follow redirects (bounded, cycle-safe)."""
        seen = {qid}
        while qid in self.redirects:
            qid = self.redirects[qid]
            if qid in seen:
                break
            seen.add(qid)
        return qid

    def ancestors(self, classes: Iterable[str]) -> set[str]:
        """The classes and all their cached ``P279`` superclasses."""
        out: set[str] = set()
        todo = list(classes)
        while todo:
            c = todo.pop()
            if c in out:
                continue
            out.add(c)
            cc = self.classes.get(c)
            if cc:
                todo.extend(cc.subclass_of)
        return out

    def dumps(self) -> str:
        """Deterministic JSON text (sorted keys and ids, one trailing newline)."""
        data = {
            "format": CACHE_FORMAT,
            "classes": {q: self.classes[q].to_json() for q in sorted(self.classes, key=_qkey)},
            "items": {q: self.items[q].to_json() for q in sorted(self.items, key=_qkey)},
            "positions": {q: self.positions[q].to_json() for q in sorted(self.positions, key=_qkey)},
            "redirects": {q: self.redirects[q] for q in sorted(self.redirects, key=_qkey)},
        }
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"

    @classmethod
    def loads(cls, text: str, where: str = "<cache>") -> "WikidataCache":
        """Parse cache JSON text.

        Raises:
            LinkError: invalid JSON (with line and column) or an unexpected structure.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LinkError(f"{where}:{exc.lineno}:{exc.colno}: Wikidata cache is not valid JSON: {exc.msg}") from None
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            raise LinkError(f"{where}: not a diplokg Wikidata cache (expected \"format\": \"{CACHE_FORMAT}\")")
        try:
            return cls(
                items={q: CachedItem.from_json(v) for q, v in (data.get("items") or {}).items()},
                classes={q: CachedClass(v["id"], v.get("label"), tuple(v.get("subclass_of") or ()),
                                        v.get("source", ""), v.get("fetched", ""))
                         for q, v in (data.get("classes") or {}).items()},
                positions={q: CachedClass(v["id"], v.get("label"), (), v.get("source", ""), v.get("fetched", ""))
                           for q, v in (data.get("positions") or {}).items()},
                redirects=dict(data.get("redirects") or {}),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise LinkError(f"{where}: malformed Wikidata cache entry ({exc.__class__.__name__}: {exc})") from None

    @classmethod
    def load(cls, path: Path) -> "WikidataCache":
        """Read ``path``; a missing file is an empty cache."""
        if not path.exists():
            return cls()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LinkError(f"{path}: cannot read the Wikidata cache: {exc}") from None
        return cls.loads(text, str(path))

    def save(self, path: Path) -> None:
        """Write atomically: a temp file in the same directory, fsynced, then renamed."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(self.dumps())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


# =============================================================================== decisions
@dataclass(frozen=True)
class Candidate:
    qid: str
    score: float
    method: str
    why: str


@dataclass(frozen=True)
class Decision:
    """The linker's verdict on one entity (``qid`` None: unlinked, listed for review)."""

    entity: Entity
    qid: str | None
    method: str | None
    score: float
    reason: str
    candidates: tuple[Candidate, ...] = ()
    fetched: str | None = None

    @property
    def linked(self) -> bool:
        return self.qid is not None


# =============================================================================== the resolver
class CacheResolver:
    """Resolves entities against the cache; online only when given a client.

    Args:
        cache: the loaded cache.
        path: where the cache lives (for :meth:`save`).
        client: a :class:`WikidataClient` to refresh the cache; None (the default) means offline.
        threshold: minimum score to link.
        now: clock for the ``fetched`` timestamps of refreshed entries.
    """

    def __init__(self, cache: WikidataCache, path: Path | None = None, client: WikidataClient | None = None,
                 threshold: float = THRESHOLD, now: Callable[[], str] = utc_now) -> None:
        self.cache = cache
        self.path = path
        self.client = client
        self.threshold = threshold
        self.now = now
        self._index: dict[str, list[tuple[str, bool]]] | None = None

    @classmethod
    def from_dir(cls, directory: str | Path, client: WikidataClient | None = None, **kw: Any) -> "CacheResolver":
        """Resolver over ``<directory>/cache.json`` (the shipped cache is ``data/wikidata``)."""
        path = Path(directory) / CACHE_FILE
        return cls(WikidataCache.load(path), path=path, client=client, **kw)

    # ------------------------------------------------------------------ matching
    def reindex(self) -> None:
        """Forget the name index; call after changing ``cache.items`` directly."""
        self._index = None

    def _names_index(self) -> dict[str, list[tuple[str, bool]]]:
        if self._index is None:
            idx: dict[str, list[tuple[str, bool]]] = {}
            for q in sorted(self.cache.items, key=_qkey):
                for key, is_label in self.cache.items[q].names():
                    idx.setdefault(key, []).append((q, is_label))
            self._index = idx
        return self._index

    def type_check(self, item: CachedItem, etype: str) -> str:
        """``"never"`` (disambiguation/list page), ``"ok"``, ``"unknown"`` (no classes) or ``"wrong"``."""
        if set(item.classes) & NEVER:
            return "never"
        if not item.classes:
            return "unknown"
        return "ok" if self.cache.ancestors(item.classes) & ACCEPT.get(etype, frozenset()) else "wrong"

    def candidates(self, entity: Entity, context: dict[str, Any] | None = None) -> list[Candidate]:
        """Scored candidates for ``entity``, best first (dropped ones excluded).

        ``context`` may carry ``country_qid`` (link of the entity's country), ``country_names``
        and ``offices`` (titles held) for the context score.
        """
        context = context or {}
        idx = self._names_index()
        best: dict[str, tuple[float, str]] = {}
        names = [(normalise(entity.name), True)] + [(normalise(a), False) for a in entity.aliases]
        for key, is_name in names:
            for qid, is_label in idx.get(key, ()):
                s, m = {(True, True): (1.0, "cache-label"), (True, False): (0.9, "cache-alias"),
                        (False, True): (0.85, "cache-alias"), (False, False): (0.75, "cache-alias")}[(is_name, is_label)]
                if s > best.get(qid, (0.0, ""))[0]:
                    best[qid] = (s, m)
        out: list[Candidate] = []
        for qid, (s, method) in best.items():
            item = self.cache.items[qid]
            tc = self.type_check(item, entity.type)
            if tc in ("never", "wrong"):
                continue
            why = [f"name {s:.2f}", f"type {tc}"]
            score = s * (1.0 if tc == "ok" else 0.9)
            prop = "P27" if entity.type == "Person" else "P17" if entity.type in ("Place", "GovernmentBody") else None
            cq = context.get("country_qid")
            if prop and cq:
                vals = item.claims.get(prop, ())
                if not vals:
                    score *= 0.95
                    why.append(f"{prop} unknown")
                elif cq in vals:
                    why.append(f"{prop} agrees")
                else:
                    score *= 0.5
                    why.append(f"{prop} disagrees ({','.join(vals)} not {cq})")
            offices = [set(normalise(o).split()) for o in context.get("offices", ()) if o]
            if entity.type == "Person" and offices:
                held = [(self.cache.positions[p].label or "") for p in item.claims.get("P39", ())
                        if p in self.cache.positions]
                fit = next((h for h in held if any(o <= set(normalise(h).split()) for o in offices)), None)
                if fit:
                    score += 0.1
                    why.append(f"P39 fits ({fit})")
            desc = normalise(item.description or "")
            hints = [normalise(h) for h in list(context.get("country_names", ())) + list(context.get("offices", ())) if h]
            if desc and any(re.search(rf"\b{re.escape(h)}\b", desc) for h in hints):
                score += 0.02
                why.append("description fits")
            out.append(Candidate(qid, round(score, 4), method, "; ".join(why)))
        out.sort(key=lambda c: (-c.score, _qkey(c.qid)))
        return out

    def resolve(self, entity: Entity, context: dict[str, Any] | None = None) -> Decision:
        """Decide one entity from the cache (no network, ever)."""
        cur = entity.wikidata
        if cur is not None and cur.method == "curated":
            return self._check_curated(entity, cur)
        cands = self.candidates(entity, context)
        if not cands:
            return Decision(entity, None, None, 0.0, "no cached item matches its name, aliases and type")
        top = cands[0]
        score = min(top.score, 1.0)
        if score < self.threshold:
            return Decision(entity, None, None, score,
                            f"best candidate {top.qid} scores {score:.2f} < threshold {self.threshold}", tuple(cands))
        if len(cands) > 1 and top.score - cands[1].score < MARGIN:
            return Decision(entity, None, None, score,
                            f"ambiguous: {top.qid} ({top.score:.2f}) vs {cands[1].qid} ({cands[1].score:.2f})",
                            tuple(cands))
        item = self.cache.items[top.qid]
        return Decision(entity, top.qid, top.method, round(score, 2), top.why, tuple(cands), item.fetched or None)

    def _check_curated(self, entity: Entity, cur: WikidataLink) -> Decision:
        qid = self.cache.resolve_id(cur.qid)
        moved = f" (redirected from {cur.qid})" if qid != cur.qid else ""
        item = self.cache.items.get(qid)
        if item is None:
            return Decision(entity, None, None, 0.0,
                            f"curated {cur.qid}{moved} is not in the cache, so its type cannot be checked; "
                            "dropped for review (refresh with `diplokg link --online`)")
        tc = self.type_check(item, entity.type)
        if tc in ("never", "wrong"):
            return Decision(entity, None, None, 0.0,
                            f"curated {cur.qid}{moved} dropped: cached classes {','.join(item.classes)} "
                            f"do not fit type {entity.type}")
        return Decision(entity, qid, "curated", 1.0, f"curated, type {tc}{moved}", (), item.fetched or None)

    # ------------------------------------------------------------------ online
    def refresh(self, entities: Iterable[Entity], progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
                source: str | None = None) -> dict[str, int]:
        """Search and fetch ``entities`` online and merge the results into the cache (in memory).

        Nothing is merged unless every request succeeds; call :meth:`save` afterwards.
        Disambiguation pages and list articles are not stored; deprecated statements are skipped.

        Returns:
            Counts: ``searches``, ``items``, ``classes``, ``redirects``, ``missing``, ``skipped``.

        Raises:
            LinkError: the resolver has no client (offline).
            WikidataAPIError: the API could not be used; the cache is unchanged.
        """
        if self.client is None:
            raise LinkError("this resolver is offline (no Wikidata client); use `diplokg link --online`")
        try:
            return self._refresh(self.client, entities, progress, source)
        except WikidataAPIError as exc:
            where = f"the cache {self.path}" if self.path else "the cache"
            raise WikidataAPIError(f"{exc}; {where} was left unchanged and builds still run from it") from None

    def _refresh(self, client: WikidataClient, entities: Iterable[Entity],
                 progress: Callable[[Iterable[Any]], Iterable[Any]] | None, source: str | None) -> dict[str, int]:
        fetched = self.now()
        src = source or f"Wikidata API (wbsearchentities + wbgetentities, {client.api_url})"
        queries: list[str] = []
        wanted: set[str] = set()
        for e in entities:
            if e.wikidata is not None and e.wikidata.method == "curated":
                wanted.add(e.wikidata.qid)
            for n in (e.name, *e.aliases):
                if n not in queries:
                    queries.append(n)
        it: Iterable[str] = progress(queries) if progress else queries
        for q in it:
            for hit in client.search(q):
                wanted.add(hit.id)
        items: dict[str, CachedItem] = {}
        redirects: dict[str, str] = {}
        counts = {"searches": len(queries), "items": 0, "classes": 0, "redirects": 0, "missing": 0, "skipped": 0}
        for requested, ent in client.get_entities(sorted(wanted, key=_qkey)).items():
            if "missing" in ent or not isinstance(ent.get("id"), str):
                counts["missing"] += 1
                continue
            if ent["id"] != requested:
                redirects[requested] = ent["id"]
            item = CachedItem.from_api(ent, fetched, src)
            if set(item.classes) & NEVER:
                counts["skipped"] += 1
                continue
            items[item.id] = item
        positions: dict[str, CachedClass] = {}
        held = sorted({p for it_ in items.values() for p in it_.claims.get("P39", ())}, key=_qkey)
        if held:
            for requested, ent in client.get_entities(held, props="labels").items():
                if "missing" not in ent and isinstance(ent.get("id"), str):
                    positions[requested] = CachedClass(requested, text_value(ent, "labels"), (), src, fetched)
        classes: dict[str, CachedClass] = {}
        todo = {c for it_ in items.values() for c in it_.classes}
        for _ in range(CLASS_DEPTH):
            todo = {c for c in todo if c not in classes and c not in NEVER}
            if not todo:
                break
            got = client.get_entities(sorted(todo, key=_qkey), props="labels|claims")
            nxt: set[str] = set()
            for requested, ent in got.items():
                if "missing" in ent or not isinstance(ent.get("id"), str):
                    continue
                sup = statement_values(ent, "P279")
                classes[requested] = CachedClass(requested, text_value(ent, "labels"), sup, src, fetched)
                nxt.update(sup)
            todo = nxt
        # every request succeeded: merge
        self.cache.items.update(items)
        self.cache.classes.update(classes)
        self.cache.positions.update(positions)
        self.cache.redirects.update(redirects)
        for old in redirects:
            self.cache.items.pop(old, None)
        self._index = None
        counts.update(items=len(items), classes=len(classes), redirects=len(redirects))
        return counts

    def save(self) -> None:
        """Write the cache back atomically to where it was read from."""
        if self.path is None:
            raise LinkError("this resolver has no cache path to save to")
        self.cache.save(self.path)


# =============================================================================== the stage
def _context(entity: Entity, facts: Facts, links: dict[str, str]) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    if entity.country:
        if entity.country in links:
            ctx["country_qid"] = links[entity.country]
        c = facts.entity(entity.country)
        if c is not None:
            ctx["country_names"] = (c.name, *c.aliases)
    offices = [h.office for h in facts.holdings if h.person == entity.id]
    if offices:
        ctx["offices"] = tuple(offices)
    return ctx


def resolve_facts(facts: Facts, resolver: CacheResolver) -> tuple[Facts, list[Decision]]:
    """Link every entity of ``facts``; states first, so people and places get their country's link as context.

    Returns:
        The facts with ``Entity.wikidata`` set (or ``review=True``) and one decision per entity,
        in the facts' entity order.
    """
    order = sorted(facts.entities, key=lambda e: _TYPE_ORDER.index(e.type) if e.type in _TYPE_ORDER else 99)
    links: dict[str, str] = {}
    decisions: dict[str, Decision] = {}
    for e in order:
        d = resolver.resolve(e, _context(e, facts, links))
        decisions[e.id] = d
        if d.qid:
            links[e.id] = d.qid
    out: list[Entity] = []
    for e in facts.entities:
        d = decisions[e.id]
        if d.qid and d.method:
            out.append(replace(e, wikidata=WikidataLink(d.qid, d.method, d.score, d.fetched), review=False))
        else:
            out.append(replace(e, wikidata=None, review=True))
    return facts.with_entities(tuple(out)), [decisions[e.id] for e in facts.entities]


def link(facts: Facts, resolver: CacheResolver) -> Facts:
    """The linking stage: ``Entity.wikidata`` set for confident matches, ``review=True`` for the rest.

    Pure over the cache held by ``resolver`` (no network). See :func:`resolve_facts` for the
    per-entity decisions and reasons.
    """
    return resolve_facts(facts, resolver)[0]
