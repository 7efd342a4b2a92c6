"""Which queries the HTTP process may evaluate itself, and how it does so quickly.

Sending a query to a worker process costs an IPC round trip and pickling on both sides (about
0.3 ms of CPU per request): more than a point lookup costs to evaluate. Worker processes exist so
that a runaway query can be *killed*; a thread running a pyoxigraph query cannot be stopped. So the
HTTP process evaluates a query itself only when its work is bounded by construction, whatever the
data, and everything else goes to the killable workers.

**The bounded class** (:func:`classify`, a small lexical parser; anything it does not recognise is
not bounded and goes to a worker):

* a prologue of ``PREFIX``/``BASE``; then ``SELECT`` (``*``, variables, or aggregates
  ``(COUNT|SUM|MIN|MAX|AVG|SAMPLE([DISTINCT] ?v|*) AS ?x)``, optionally ``DISTINCT``/``REDUCED``),
  ``ASK``, or ``CONSTRUCT`` (a template of plain triples, or the ``CONSTRUCT WHERE`` short form);
* a ``WHERE`` group of exactly **one triple pattern** whose terms are variables, IRIs, prefixed
  names, ``a`` and literals (no blank nodes, paths, ``FILTER``, ``OPTIONAL``, ``UNION``, ``GRAPH``,
  ``SERVICE``, ``VALUES``, ``BIND``, subqueries, ``FROM``);
* solution modifiers ``GROUP BY ?v...``, ``ORDER BY ?v | ASC(?v) | DESC(?v)...``, ``LIMIT``,
  ``OFFSET`` with integers.

Why that class is bounded: one triple pattern is one index range scan, so its matches are at most
the triples of the default graph, and :class:`PatternStats` (computed once at load) bounds them
more tightly: a constant subject matches at most the largest out-degree, a constant object the
largest in-degree, a constant predicate its own triple count (:meth:`Plan.max_matches`). Without
``ORDER BY``/``GROUP BY``/``DISTINCT``/aggregates every match is an answer row as soon as it is
found ("streaming"), so the deadline and row-cap checks between rows stop it. With them
("blocking") the whole work is one scan plus a sort or hash over at most that many rows,
``O(n log n)`` time and ``O(n)`` memory, and it cannot be interrupted; so a blocking plan runs in
process only when it may match at most :data:`BLOCKING_MAX_ROWS` triples (about a third of a
second, measured), and goes to a worker otherwise. Queries over more than one pattern (joins) can
do unbounded work between two rows (a join whose inner side never matches), so they always go to
the workers.

**Where.** A plan that may match at most :data:`INLINE_MAX_ROWS` triples runs on the event loop
itself (the worst case, every one of them sorted and serialized, is a few milliseconds; a thread
hand-off costs more than a point lookup); larger ones run in a thread of the HTTP process.

**Cheap serialization.** For SPARQL JSON the HTTP process lets pyoxigraph serialize in Rust
(``QuerySolutions.serialize``) instead of building Python dicts per term. The row cap must still
be reported, never silently applied: a JSON document with ``R`` rows holds at least ``R + 2``
``{`` characters, so when the body has no more than ``max_rows + 2`` of them the result is certainly
within the cap; otherwise the query is evaluated again by the row-by-row path, which cuts it and
says so. The Rust path serializes without deadline checks, so it is used only for plans that may
match at most :data:`BLOCKING_MAX_ROWS` triples (its work is then bounded as for blocking plans).
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import pyoxigraph as ox

#: plans that may match up to this many triples may block (sort, group, Rust serialization) in
#: process; measured here, sorting and serializing 3 500 rows takes 12 ms, so this is ~0.3 s.
BLOCKING_MAX_ROWS = 100_000
#: plans that may match up to this many triples run on the event loop itself (worst case ~7 ms).
INLINE_MAX_ROWS = 2_000
#: default graphs up to this size get a store of their own for bounded queries (one more copy of
#: the merged triples in each HTTP process; pyoxigraph answers ~10 % faster from it).
DEFAULT_COPY_MAX_TRIPLES = 1_000_000

_TOKEN = re.compile(
    r"""(?P<ws>\s+|\#[^\n]*)"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")"""
    r"""|(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)"""
    r"""|(?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w\u00B7-\uFFFF-]*(?:\.[\w\u00B7-\uFFFF-]+)*)?:(?:[\w\u00B7-\uFFFF:-]+(?:\.[\w\u00B7-\uFFFF:-]+)*)?)"""
    r"""|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"""
    r"""|(?P<number>\d*\.\d+(?:[eE][+-]?\d+)?|\d+\.\d*[eE][+-]?\d+|\d+(?:[eE][+-]?\d+)?)"""
    r"""|(?P<dt>\^\^)"""
    r"""|(?P<word>[A-Za-z_]\w*)"""
    r"""|(?P<punct>[{}().;,*])"""
    r"""|(?P<other>.)""",
    re.S,
)
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE"}
_ABSOLUTE = re.compile(r"[A-Za-z][\w+.-]*:")


@dataclass(frozen=True)
class Plan:
    """A query the HTTP process may evaluate itself.

    Attributes:
        kind: ``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT).
        blocking: the first row needs the whole (bounded) work: ``ORDER BY``, ``GROUP BY``,
            ``DISTINCT``/``REDUCED`` or aggregates.
    """

    kind: str
    blocking: bool
    subject_constant: bool = False
    predicate_constant: bool = False
    #: the predicate's IRI when it is a constant the parser could resolve (else ``None``)
    predicate: str | None = None
    object_constant: bool = False
    #: for a plain streaming SELECT whose constants are all IRIs: the pattern, for :func:`lookup_json`
    lookup: Lookup | None = None

    def max_matches(self, stats: PatternStats) -> int:
        """An upper bound of the pattern's matches in the store's default graph, from ``stats``."""
        bound = stats.triples
        if self.subject_constant:
            bound = min(bound, stats.max_out)
        if self.predicate_constant and self.predicate is not None:
            bound = min(bound, stats.per_predicate.get(self.predicate, 0))
        if self.object_constant:
            bound = min(bound, stats.max_in)
        return bound


@dataclass(frozen=True)
class Lookup:
    """A ``SELECT`` of one triple pattern with IRI constants, evaluated on the store's index.

    Attributes:
        variables: the projected variable names, in order (``SELECT *``: the pattern's, sorted, as
            pyoxigraph lists them).
        terms: subject, predicate, object: a variable name or a constant IRI.
        limit: ``LIMIT`` (None: none).
        offset: ``OFFSET``.
    """

    variables: tuple[str, ...]
    terms: tuple[str | ox.NamedNode, str | ox.NamedNode, str | ox.NamedNode]
    limit: int | None
    offset: int


@dataclass(frozen=True)
class PatternStats:
    """What bounds a triple pattern's matches in a store's default graph (computed once at load).

    Attributes:
        triples: triples in the default graph.
        max_out: most triples any one subject has.
        max_in: most triples any one object has.
        per_predicate: triples per predicate IRI.
    """

    triples: int
    max_out: int
    max_in: int
    per_predicate: dict[str, int]

    @classmethod
    def of(cls, store: ox.Store) -> PatternStats:
        """One pass over the default graph."""
        from collections import Counter

        subjects: Counter[Any] = Counter()
        objects: Counter[Any] = Counter()
        predicates: Counter[str] = Counter()
        n = 0
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            subjects[q.subject] += 1
            objects[q.object] += 1
            predicates[q.predicate.value] += 1
            n += 1
        return cls(n, max(subjects.values(), default=0), max(objects.values(), default=0), dict(predicates))


class _NotBounded(Exception):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        toks: list[tuple[str, str]] = []
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup or "other"
            if kind == "ws":
                continue
            if kind == "other":
                raise _NotBounded
            value = m.group()
            if kind == "word":
                if value == "a":  # the rdf:type shorthand (case-sensitive, unlike keywords)
                    kind = "a"
                else:
                    value = value.upper()
            toks.append((kind, value))
        self.toks = toks
        self.i = 0
        self.prefixes: dict[str, str] = {}
        self.pattern: tuple[tuple[str, str], ...] = ()
        self.has_base = False
        self.projection: list[str] | None = None  # None: SELECT *
        self.limit: int | None = None
        self.offset = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("eof", "")

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        k, v = self.peek()
        if (kind is not None and k != kind) or (value is not None and v != value):
            raise _NotBounded
        self.i += 1
        return v

    def accept(self, kind: str, value: str | None = None) -> bool:
        k, v = self.peek()
        if k == kind and (value is None or v == value):
            self.i += 1
            return True
        return False

    # -- terms -----------------------------------------------------------------------------
    def term(self, predicate: bool = False) -> tuple[str, str]:
        """Consume one term; returns its first token."""
        k, v = self.peek()
        if k in ("var", "iri", "pname"):
            self.i += 1
        elif predicate and k == "a":
            self.i += 1
        elif not predicate and k == "string":
            self.i += 1
            if self.accept("dt"):
                if not (self.accept("iri") or self.accept("pname")):
                    raise _NotBounded
            else:
                self.accept("lang")
        elif not predicate and (k == "number" or (k == "word" and v in ("TRUE", "FALSE"))):
            self.i += 1
        else:
            raise _NotBounded
        return k, v

    def triples_block(self) -> int:
        """``{ s p o (; p o | , o)* (. ...)* }``; returns the number of triple patterns."""
        self.take("punct", "{")
        n = 0
        while not self.accept("punct", "}"):
            self.pattern = (self.term(), self.term(predicate=True), self.term())
            n += 1
            while True:
                if self.accept("punct", ","):
                    self.term()
                    n += 1
                elif self.accept("punct", ";"):
                    if self.peek() in (("punct", "."), ("punct", "}"), ("punct", ";")):
                        continue
                    self.term(predicate=True)
                    self.term()
                    n += 1
                else:
                    break
            if not self.accept("punct", "."):
                self.take("punct", "}")
                break
        return n

    # -- query -----------------------------------------------------------------------------
    def parse(self) -> Plan:
        while True:
            if self.accept("word", "PREFIX"):
                name = self.take("pname")
                self.prefixes[name[:-1]] = self.take("iri")[1:-1]
            elif self.accept("word", "BASE"):
                self.take("iri")
                self.has_base = True
            else:
                break
        blocking = False
        if self.accept("word", "SELECT"):
            kind = "select"
            if self.accept("word", "DISTINCT") or self.accept("word", "REDUCED"):
                blocking = True
            if not self.accept("punct", "*"):
                items = 0
                self.projection = []
                while True:
                    if self.peek()[0] == "var":
                        self.projection.append(self.take("var")[1:])
                        items += 1
                    elif self.accept("punct", "("):
                        if self.take("word") not in _AGGREGATES:
                            raise _NotBounded
                        self.take("punct", "(")
                        self.accept("word", "DISTINCT")
                        if not (self.accept("var") or self.accept("punct", "*")):
                            raise _NotBounded
                        self.take("punct", ")")
                        self.take("word", "AS")
                        self.take("var")
                        self.take("punct", ")")
                        blocking = True
                        items += 1
                    else:
                        break
                if not items:
                    raise _NotBounded
            self.accept("word", "WHERE")
        elif self.accept("word", "ASK"):
            kind = "ask"
            self.accept("word", "WHERE")
        elif self.accept("word", "CONSTRUCT"):
            kind = "graph"
            if not self.accept("word", "WHERE"):
                self.triples_block()  # the template: any number of plain triples
                self.take("word", "WHERE")
        else:
            raise _NotBounded
        if self.triples_block() != 1:
            raise _NotBounded
        if kind != "ask":
            if self.accept("word", "GROUP"):
                self.take("word", "BY")
                self.take("var")
                while self.accept("var"):
                    pass
                blocking = True
            if self.accept("word", "ORDER"):
                self.take("word", "BY")
                keys = 0
                while True:
                    if self.accept("var"):
                        keys += 1
                    elif self.peek()[0] == "word" and self.peek()[1] in ("ASC", "DESC"):
                        self.i += 1
                        self.take("punct", "(")
                        self.take("var")
                        self.take("punct", ")")
                        keys += 1
                    else:
                        break
                if not keys:
                    raise _NotBounded
                blocking = True
            for _ in range(2):
                word = self.peek()[1] if self.peek()[0] == "word" else ""
                if word in ("LIMIT", "OFFSET"):
                    self.i += 1
                    number = self.take("number")
                    if not number.isdigit():
                        raise _NotBounded
                    if word == "LIMIT":
                        self.limit = int(number)
                    else:
                        self.offset = int(number)
        if self.peek()[0] != "eof":
            raise _NotBounded
        (sk, sv), (pk, pv), (ok, ov) = self.pattern
        lookup = None
        if kind == "select" and not blocking and not self.has_base:
            lookup = self._lookup()
        return Plan(kind, blocking, subject_constant=sk != "var", predicate_constant=pk != "var",
                    predicate=self._iri(pk, pv), object_constant=ok != "var", lookup=lookup)

    def _lookup(self) -> Lookup | None:
        """The pattern as a :class:`Lookup` when every constant is an absolute IRI."""
        terms: list[str | ox.NamedNode] = []
        for kind, value in self.pattern:
            if kind == "var":
                terms.append(value[1:])
                continue
            iri = self._iri(kind, value)
            if iri is None:
                return None  # a literal, a relative IRI, an unknown prefix: pyoxigraph decides
            try:
                terms.append(ox.NamedNode(iri))
            except ValueError:
                return None
        in_pattern = [t for t in terms if isinstance(t, str)]
        # SELECT *: pyoxigraph lists the variables sorted by name (tests compare with it)
        names = sorted(set(in_pattern)) if self.projection is None else self.projection
        if len(set(names)) != len(names):
            return None
        return Lookup(tuple(names), (terms[0], terms[1], terms[2]), self.limit, self.offset)

    def _iri(self, kind: str, value: str) -> str | None:
        """The full IRI of a constant predicate, or ``None`` (a variable, a relative IRI, an
        unknown prefix)."""
        if kind == "a":
            return "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        if kind == "iri" and _ABSOLUTE.match(value, 1):
            return value[1:-1]
        if kind == "pname":
            prefix, _, local = value.partition(":")
            if prefix in self.prefixes and "\\" not in local and _ABSOLUTE.match(self.prefixes[prefix]):
                return self.prefixes[prefix] + local
        return None


_MEMO: OrderedDict[str, Plan | None] = OrderedDict()
_MEMO_SIZE = 4096


def classify(query: str) -> Plan | None:
    """The :class:`Plan` of a query in the bounded class, or ``None`` (send it to a worker).

    Results are memoised by query text (a bounded LRU), so a repeated query is not re-lexed.

    >>> p = classify('SELECT ?p ?o WHERE { <http://e/x> ?p ?o }')
    >>> p.kind, p.blocking, p.subject_constant, p.predicate_constant
    ('select', False, True, False)
    >>> p = classify('PREFIX : <http://e/> SELECT ?t (COUNT(?s) AS ?n) { ?s a ?t } GROUP BY ?t ORDER BY DESC(?n)')
    >>> p.kind, p.blocking, p.predicate
    ('select', True, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type')
    >>> classify('SELECT * { ?a ?b ?c . ?d ?e ?f }') is None  # a join: not bounded
    True
    >>> classify('SELECT * { ?s ?p ?o FILTER(?o > 1) }') is None
    True
    """
    hit = _MEMO.get(query)
    if hit is not None or query in _MEMO:
        _MEMO.move_to_end(query)
        return hit
    try:
        plan: Plan | None = _Parser(query).parse()
    except _NotBounded:
        plan = None
    except RecursionError:  # pragma: no cover - the parser does not recurse
        plan = None
    _MEMO[query] = plan
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return plan


JSON_RESULTS = "application/sparql-results+json"


def rust_json(store: ox.Store, query: str, base_iri: str | None, max_rows: int) -> bytes | None:
    """SPARQL JSON for a bounded SELECT, serialized by pyoxigraph; ``None`` when the result may
    exceed ``max_rows`` (the caller then uses the row-by-row path, which cuts and reports) or when
    the query does not evaluate cleanly here (the row-by-row path then produces the error answer).
    """
    try:
        kwargs: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        result = store.query(query, **kwargs)
        if not isinstance(result, ox.QuerySolutions):
            return None
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, OSError, ValueError):
        return None
    if body is None or body.count(b"{") > max_rows + 2:
        return None
    return body


_GETTERS = (attrgetter("subject"), attrgetter("predicate"), attrgetter("object"))
_FRAGMENTS: dict[object, str] = {}
_FRAGMENTS_MAX = 200_000
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _fragment(term: object) -> str | None:
    """A term as SPARQL JSON (memoised: terms are immutable); ``None`` for terms this writer
    leaves to pyoxigraph (quoted triples, literals with a base direction)."""
    hit = _FRAGMENTS.get(term)
    if hit is not None:
        return hit
    if isinstance(term, ox.NamedNode):
        text = '{"type":"uri","value":' + json.dumps(term.value, ensure_ascii=False) + "}"
    elif isinstance(term, ox.BlankNode):
        text = '{"type":"bnode","value":' + json.dumps(term.value, ensure_ascii=False) + "}"
    elif isinstance(term, ox.Literal) and getattr(term, "direction", None) is None:
        text = '{"type":"literal","value":' + json.dumps(term.value, ensure_ascii=False)
        if term.language:
            text += ',"xml:lang":' + json.dumps(term.language, ensure_ascii=False)
        elif term.datatype.value != _XSD_STRING:
            text += ',"datatype":' + json.dumps(term.datatype.value, ensure_ascii=False)
        text += "}"
    else:
        return None
    if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
        _FRAGMENTS.clear()
    _FRAGMENTS[term] = text
    return text


def lookup_json(store: ox.Store, lookup: Lookup, max_rows: int) -> tuple[bytes, int] | None:
    """SPARQL JSON (and its number of rows) for a :class:`Lookup`, read straight from the store's index (the same matches
    SPARQL's evaluation of one triple pattern over the default graph gives); ``None`` when the
    result would exceed ``max_rows`` or holds a term this writer leaves to pyoxigraph (the caller
    then takes the general path).

    >>> s = ox.Store(); e = ox.NamedNode('http://e/x')
    >>> s.add(ox.Quad(e, ox.NamedNode('http://e/p'), ox.Literal('hé', language='fr')))
    >>> lookup_json(s, classify('SELECT ?o { <http://e/x> ?p ?o }').lookup, 10)
    (b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":{"type":"literal","value":"h\\xc3\\xa9","xml:lang":"fr"}}]}}', 1)
    """
    terms = lookup.terms
    pattern = [None if isinstance(t, str) else t for t in terms]
    position: dict[str, int] = {}
    for i, t in enumerate(terms):
        if isinstance(t, str):
            position.setdefault(t, i)
    same = [(position[t], i) for i, t in enumerate(terms) if isinstance(t, str) and position[t] != i]
    columns = [('"' + name + '":', _GETTERS[position[name]]) for name in lookup.variables if name in position]
    skip, limit = lookup.offset, lookup.limit
    stop_at_limit = limit is not None and limit <= max_rows
    cap = limit if stop_at_limit and limit is not None else max_rows
    known = _FRAGMENTS.get
    rows: list[str] = []
    for quad in store.quads_for_pattern(pattern[0], pattern[1], pattern[2], ox.DefaultGraph()):
        if same:
            found = (quad.subject, quad.predicate, quad.object)
            if any(found[a] != found[b] for a, b in same):
                continue
        if skip:
            skip -= 1
            continue
        if len(rows) >= cap:
            if stop_at_limit:
                break
            return None  # more than max_rows: the general path cuts and reports
        parts = []
        for key, getter in columns:
            term = getter(quad)
            text = known(term) or _fragment(term)
            if text is None:
                return None
            parts.append(key + text)
        rows.append("{" + ",".join(parts) + "}")
    head = json.dumps(list(lookup.variables), ensure_ascii=False)
    return ('{"head":{"vars":' + head + '},"results":{"bindings":[' + ",".join(rows) + "]}}").encode(), len(rows)
