"""SHACL validation: ``validate(graph) -> Report``. The only module that imports pyshacl.

Validation is a value: a :class:`Report` with one :class:`Result` per problem (severity,
focus node, path, message, constraint component). The caller (the build, the CLI) decides
what fails: an article with any ``Violation`` is quarantined; warnings are published.

Engines (``validate(..., engine=)``): ``"pyshacl"`` is the reference. ``"turbo"`` runs the same
shapes on pyshacl-turbo, a Rust SHACL engine (``pip install 'diplokg[turbo]'``), about 10x faster:
the shapes are compiled once per process, the data goes in as N-Triples and the report comes back
as N-Triples read with pyoxigraph. It is cross-checked against pyshacl on every shape fixture
(tests/shapes/), the bundled articles and a generated corpus (tests/test_scale.py).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from pipeline.iris import DEFAULT_BASE

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_DIR = ROOT / "ontology"

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


# pyshacl evaluates a SHACL-SPARQL constraint once per focus node with the same query text (the
# focus node comes in as an initial binding), and rdflib re-parses the text every time: 90 ms
# each, most of the validation time. Parsed-and-translated queries are reusable by design
# (that is what rdflib's prepareQuery returns), so translate each distinct text once. The patch is
# installed when pyshacl is first used (rdflib's SPARQL modules cost 0.1 s to import, which the
# turbo engine does not need).
@lru_cache(maxsize=1)
def _cache_sparql_translation() -> None:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.processor import SPARQLProcessor
    from rdflib.plugins.sparql.sparql import Query

    @lru_cache(maxsize=256)
    def translated(text: str, base: str | None, ns: frozenset) -> Query:
        return translateQuery(parseQuery(text), base, dict(ns))

    processor_query = SPARQLProcessor.query

    def query_with_cache(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # type: ignore[no-untyped-def]
        if isinstance(strOrQuery, str):
            strOrQuery = translated(strOrQuery, base, frozenset((initNs or {}).items()))
        return processor_query(self, strOrQuery, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query_with_cache  # type: ignore[method-assign]


@dataclass(frozen=True)
class Result:
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str | None
    message: str
    component: str  # e.g. "sh:MinCountConstraintComponent"
    value: str | None = None
    shape: str | None = None

    def line(self) -> str:
        path = f" {self.path}" if self.path else ""
        val = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: <{self.focus}>{path}: {self.message}{val} [{self.component}]"


@dataclass(frozen=True)
class Report:
    conforms: bool  # no Violation
    results: tuple[Result, ...] = ()
    label: str = ""  # what was validated (article id, file name)

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity != "Violation")

    def text(self, detail: bool = True) -> str:
        """Human-readable report.

        Args:
            detail: list every result; otherwise violations in full and the warnings and
                notes grouped by message with a count and one example.
        """
        n_warn = sum(r.severity == "Warning" for r in self.results)
        n_info = sum(r.severity == "Info" for r in self.results)
        head = f"{self.label or 'graph'}: " + (
            "conforms" if self.conforms else f"{len(self.violations)} violation(s)")
        if n_warn or n_info:
            head += f", {n_warn} warning(s), {n_info} note(s)"
        if detail:
            return "\n".join([head] + ["  " + r.line() for r in self.results])
        lines = [head] + ["  " + r.line() for r in self.violations]
        groups: dict[tuple[str, str], list[Result]] = {}
        for r in self.warnings:
            groups.setdefault((r.severity, r.message), []).append(r)
        for (sev, msg), rs in sorted(groups.items()):
            lines.append(f"  {sev} x{len(rs)}: {msg} (e.g. <{rs[0].focus}>)")
        return "\n".join(lines)

    def to_graph(self, base: str) -> Graph:
        """The SHACL report as a deterministic graph (skolemised result IRIs)."""
        g = Graph()
        g.bind("sh", SH)
        rep = URIRef(f"{base}id/report/{self.label or 'graph'}")
        g.add((rep, RDF.type, SH.ValidationReport))
        g.add((rep, SH.conforms, Literal(self.conforms)))
        for r in self.results:
            key = "|".join([r.severity, r.focus, r.path or "", r.component, r.message, r.value or ""])
            node = URIRef(f"{rep}/{hashlib.sha1(key.encode()).hexdigest()[:16]}")
            g.add((rep, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.resultSeverity, SH[r.severity]))
            g.add((node, SH.focusNode, URIRef(r.focus)))
            if r.path:
                g.add((node, SH.resultPath, URIRef(r.path)))
            g.add((node, SH.resultMessage, Literal(r.message)))
            g.add((node, SH.sourceConstraintComponent, SH[r.component.removeprefix("sh:")]))
            if r.value:
                g.add((node, SH.value, Literal(r.value)))
        return g

    def to_nt(self, base: str) -> str:
        """``to_graph(base).serialize(format="nt")`` without building a graph (5x faster).

        The same N-Triples lines (rdflib's term syntax), in a fixed order.
        """
        rep = f"{base}id/report/{self.label or 'graph'}"
        if any(set(x) & _NOT_IN_IRI for x in [rep, *(r.focus for r in self.results),
                                               *(r.path or "" for r in self.results)]) or \
                any(not r.component.startswith("sh:") for r in self.results):
            return self.to_graph(base).serialize(format="nt")  # rdflib decides what to do with these
        sh, R = str(SH), f"<{rep}>"
        lines: dict[str, None] = {}  # an ordered set: a graph holds each triple once
        lines[f"{R} <{RDF.type}> <{sh}ValidationReport> .\n"] = None
        lines[f'{R} <{sh}conforms> "{"true" if self.conforms else "false"}"^^<{XSD.boolean}> .\n'] = None
        for r in self.results:
            key = "|".join([r.severity, r.focus, r.path or "", r.component, r.message, r.value or ""])
            node = f"<{rep}/{hashlib.sha1(key.encode()).hexdigest()[:16]}>"
            lines[f"{R} <{sh}result> {node} .\n"] = None
            lines[f"{node} <{RDF.type}> <{sh}ValidationResult> .\n"] = None
            lines[f"{node} <{sh}resultSeverity> <{sh}{r.severity}> .\n"] = None
            lines[f"{node} <{sh}focusNode> <{r.focus}> .\n"] = None
            if r.path:
                lines[f"{node} <{sh}resultPath> <{r.path}> .\n"] = None
            lines[f"{node} <{sh}resultMessage> {_nt_string(r.message)} .\n"] = None
            lines[f"{node} <{sh}sourceConstraintComponent> <{sh}{r.component[3:]}> .\n"] = None
            if r.value:
                lines[f"{node} <{sh}value> {_nt_string(r.value)} .\n"] = None
        return "".join(lines)


_NOT_IN_IRI = set('<>" {}|\\^`')  # what rdflib refuses to write inside <...>


def _nt_string(text: str) -> str:
    """A plain literal as rdflib's N-Triples serializer writes it."""
    return '"%s"' % text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")


def _load_dir(d: Path, base: str = DEFAULT_BASE) -> Graph:
    """Every Turtle file in ``d``, with the default IRI base rewritten to ``base``.

    The shapes and the ontology are written under the default base; a build with another base
    (``--base``) must validate against the same shapes under its own base, SPARQL text included.
    """
    g = Graph()
    for f in sorted(d.glob("*.ttl")):
        text = f.read_text("utf-8")
        if base != DEFAULT_BASE:
            text = text.replace(DEFAULT_BASE, base)
        g.parse(data=text, format="turtle", publicID=f.as_uri())
    return g


@lru_cache(maxsize=4)
def shapes_graph(shapes_dir: Path = SHAPES_DIR, base: str = DEFAULT_BASE) -> Graph:
    return _load_dir(shapes_dir, base)


@lru_cache(maxsize=4)
def _ontology_parts(ontology_dir: Path = ONTOLOGY_DIR,
                    base: str = DEFAULT_BASE) -> tuple[Graph, dict[URIRef, tuple]]:
    full = _load_dir(ontology_dir, base)
    hierarchy = Graph()
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for t in full.triples((None, p, None)):
            hierarchy.add(t)
    concepts: dict[URIRef, tuple] = {}
    for c in full.subjects(RDF.type, SKOS.Concept):
        if isinstance(c, URIRef):
            concepts[c] = tuple([(c, RDF.type, SKOS.Concept)] +
                                [(c, SKOS.inScheme, s) for s in full.objects(c, SKOS.inScheme)])
    return hierarchy, concepts


def ontology_graph(data: Graph | None = None, ontology_dir: Path = ONTOLOGY_DIR,
                   base: str = DEFAULT_BASE) -> Graph:
    """What SHACL needs of the ontology to validate ``data``.

    That is the class/property hierarchy (for ``sh:targetClass`` on subclasses) plus the
    ``skos:Concept`` typing and scheme membership of the CAMEO, PLOVER and modality concepts
    that ``data`` uses. Mixing the whole ontology into every data graph costs seconds per
    article, and its ``owl:imports`` would make pyshacl try the network.
    """
    hierarchy, concepts = _ontology_parts(ontology_dir, base)
    g = Graph()
    for t in hierarchy:
        g.add(t)
    if data is not None:
        for o in set(data.objects()):
            for t in concepts.get(o, ()):  # type: ignore[call-overload]
                g.add(t)
    return g


def _short(term: object) -> str:
    s = str(term)
    return "sh:" + s.removeprefix(str(SH)) if s.startswith(str(SH)) else s


ENGINES = ("pyshacl", "turbo")


def engine_available(engine: str) -> None:
    """Check that ``engine`` can run here.

    Raises:
        UsageError: unknown engine, or its package is not installed.
    """
    from pipeline.errors import UsageError
    if engine not in ENGINES:
        raise UsageError(f"unknown SHACL engine {engine!r}; expected one of: {', '.join(ENGINES)}")
    if engine == "turbo":
        try:
            import pyshacl_turbo  # noqa: F401
        except ImportError:
            raise UsageError("the turbo SHACL engine needs pyshacl-turbo: pip install 'diplokg[turbo]'") from None


def validate(data: Graph, label: str = "", shapes: Graph | None = None,
             ontology: Graph | None = None, engine: str = "pyshacl") -> Report:
    """Validate ``data`` against the SHACL shapes (with the ontology for class hierarchy).

    Args:
        data: the graph to validate (e.g. one article's named graph).
        label: what it is, for the report (e.g. the article id).
        shapes: shapes graph (default: ``shapes/*.ttl``).
        ontology: ontology graph mixed in for rdfs:subClassOf (default: ``ontology/*.ttl``).
        engine: ``"pyshacl"`` (reference) or ``"turbo"`` (pyshacl-turbo; same results).

    Returns:
        A :class:`Report`; ``conforms`` is False iff some result is a Violation.
    """
    shapes = shapes if shapes is not None else shapes_graph()
    ontology = ontology if ontology is not None else ontology_graph(data)
    if engine == "turbo":
        return _validate_turbo(data, label, shapes, ontology)
    if engine != "pyshacl":
        engine_available(engine)
    from pyshacl import validate as _shacl  # imported when used: 0.2 s that turbo builds do not pay
    _cache_sparql_translation()
    _, report_graph, _ = _shacl(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                               advanced=True, allow_warnings=True)
    return report_from_graph(report_graph, label)


_TURBO: dict[int, tuple[Graph, object]] = {}  # id(shapes graph) -> (the graph, compiled shapes)


def _turbo_compiled(shapes: Graph):  # -> pyshacl_turbo.CompiledShapes
    hit = _TURBO.get(id(shapes))
    if hit is None or hit[0] is not shapes:
        import pyshacl_turbo
        hit = (shapes, pyshacl_turbo.CompiledShapes(shapes, advanced=True))
        _TURBO[id(shapes)] = hit
    return hit[1]


def validate_article(data: Graph, label: str, shapes_dir: Path = SHAPES_DIR,
                     ontology_dir: Path = ONTOLOGY_DIR, engine: str = "pyshacl",
                     data_nt: str | None = None, base: str = DEFAULT_BASE) -> Report:
    """``validate(data, label, shapes_graph(shapes_dir), ontology_graph(data, ontology_dir), engine)``.

    The build's entry point: with the turbo engine and ``data_nt`` (``data`` as N-Triples, which
    the build has anyway) no rdflib graph is built or serialized for validation.
    """
    shapes = shapes_graph(shapes_dir, base)
    if engine == "turbo":
        if data_nt is not None:  # the concepts are looked up from the text: no terms built
            return _validate_turbo_nt(data_nt + _ontology_nt_for_text(data_nt, ontology_dir, base), label, shapes)
        return _validate_turbo_nt(data.serialize(format="nt") + _ontology_nt(data, ontology_dir, base),
                                  label, shapes)
    return validate(data, label, shapes, ontology_graph(data, ontology_dir, base), engine)


def warm_up(shapes_dir: Path = SHAPES_DIR, ontology_dir: Path = ONTOLOGY_DIR, engine: str = "pyshacl",
            base: str = DEFAULT_BASE) -> None:
    """Load (and for turbo compile) the shapes and the ontology parts :func:`validate_article`
    uses, so that worker processes forked afterwards inherit them instead of each loading them."""
    shapes = shapes_graph(shapes_dir, base)
    if engine == "turbo":
        _turbo_compiled(shapes)
        _ontology_nt_parts(ontology_dir, base)
    else:
        _ontology_parts(ontology_dir, base)


@lru_cache(maxsize=4)
def _hierarchy_nt(ontology_dir: Path, base: str) -> str:
    return _ontology_parts(ontology_dir, base)[0].serialize(format="nt")


@lru_cache(maxsize=4)
def _concepts_nt(ontology_dir: Path, base: str) -> dict[URIRef, str]:
    return {c: "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in ts)
            for c, ts in _ontology_parts(ontology_dir, base)[1].items()}


def _ontology_nt(data: Graph, ontology_dir: Path, base: str = DEFAULT_BASE) -> str:
    """:func:`ontology_graph` as N-Triples."""
    concepts = _concepts_nt(ontology_dir, base)
    return _hierarchy_nt(ontology_dir, base) + "".join(concepts.get(o, "") for o in set(data.objects()))  # type: ignore[call-overload]


#: The IRI object of an N-Triples line: after a space, before the final " ." (a literal's datatype
#: IRI follows "^^", a literal ends in a quote or a language tag, so neither matches).
_IRI_OBJECT = re.compile(r" (<[^ <>\n]*>) \.$", re.MULTILINE)


@lru_cache(maxsize=4)
def _ontology_nt_parts(ontology_dir: Path, base: str) -> tuple[str, dict[str, str]]:
    """What :func:`_hierarchy_nt` and :func:`_concepts_nt` hold (the same triples, in another
    order), read with pyoxigraph: ten times faster than rdflib's Turtle parser, which a one-article
    rebuild would otherwise pay for the whole ontology. The concepts are keyed by ``<iri>``."""
    import pyoxigraph as ox
    sub_class, sub_prop = str(RDFS.subClassOf), str(RDFS.subPropertyOf)
    rdf_type, concept, in_scheme = str(RDF.type), str(SKOS.Concept), str(SKOS.inScheme)
    hierarchy: dict[str, None] = {}
    concepts: dict[str, list[str]] = {}
    schemes: dict[str, dict[str, None]] = {}
    for f in sorted(ontology_dir.glob("*.ttl")):
        text = f.read_text("utf-8")
        if base != DEFAULT_BASE:
            text = text.replace(DEFAULT_BASE, base)
        for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=f.as_uri()):
            p = t.predicate.value
            if p == sub_class or p == sub_prop:
                hierarchy[f"{t.subject} {t.predicate} {t.object} .\n"] = None
            elif isinstance(t.subject, ox.NamedNode):
                if p == rdf_type and t.object == ox.NamedNode(concept):
                    concepts.setdefault(str(t.subject), [])
                elif p == in_scheme:
                    schemes.setdefault(str(t.subject), {})[f"{t.subject} {t.predicate} {t.object} .\n"] = None
    type_line = f" <{rdf_type}> <{concept}> .\n"
    return "".join(hierarchy), {c: c + type_line + "".join(schemes.get(c, ())) for c in concepts}


def _ontology_nt_for_text(data_nt: str, ontology_dir: Path, base: str = DEFAULT_BASE) -> str:
    """:func:`_ontology_nt` for data given as N-Triples text (the IRI objects found by a regex)."""
    hierarchy, concepts = _ontology_nt_parts(ontology_dir, base)
    return hierarchy + "".join(concepts.get(o, "") for o in set(_IRI_OBJECT.findall(data_nt)))


def _validate_turbo(data: Graph, label: str, shapes: Graph, ontology: Graph) -> Report:
    return _validate_turbo_nt(data.serialize(format="nt") + ontology.serialize(format="nt"), label, shapes)


def _validate_turbo_nt(nt: str, label: str, shapes: Graph) -> Report:
    from pyshacl_turbo.rdf import Input
    compiled = _turbo_compiled(shapes)
    native = getattr(compiled, "_native", None)
    if native is not None:
        try:  # the engine's own N-Triples report, read with pyoxigraph (no rdflib round trip)
            out = native.validate(nt, "nt", None, False, 100, 15, False, False, True, False, [], [], [])
            return _report_from_nt(out[1], label)
        except TypeError:  # another pyshacl-turbo version: use its public API below
            pass
    _, report_graph, _ = compiled.validate(Input(nt, "nt", None, {}, {}), allow_warnings=True)  # type: ignore[attr-defined]
    return report_from_graph(report_graph, label)


_SH = str(SH)
_SEVERITY_BY_IRI = {str(k): v for k, v in SEVERITY_NAMES.items()}


def _report_from_nt(nt: str, label: str) -> Report:
    """:func:`report_from_graph` for a report given as N-Triples (read with pyoxigraph)."""
    import pyoxigraph as ox
    props: dict[object, dict[str, object]] = {}
    kinds: set[object] = set()
    rdf_type, result_class = str(RDF.type), str(SH.ValidationResult)
    for t in ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject, t.predicate, t.object
        d = props.get(s)
        if d is None:
            d = props[s] = {}
        p = p.value
        if p not in d:
            d[p] = o
        if p == rdf_type and o.value == result_class:
            kinds.add(s)
    results = []
    NamedNode = ox.NamedNode
    sev_p, focus_p, path_p, value_p, shape_p, msg_p, comp_p = (
        str(SH.resultSeverity), str(SH.focusNode), str(SH.resultPath), str(SH.value), str(SH.sourceShape),
        str(SH.resultMessage), str(SH.sourceConstraintComponent))
    for node in kinds:
        d = props[node]
        sev_t, path, value, shape = d.get(sev_p), d.get(path_p), d.get(value_p), d.get(shape_p)
        msg, focus, comp = d.get(msg_p), d.get(focus_p), d.get(comp_p)
        msg_text = msg.value if msg is not None else "None"  # type: ignore[attr-defined]
        comp_text = comp.value if comp is not None else "None"  # type: ignore[attr-defined]
        results.append(Result(
            severity=_SEVERITY_BY_IRI.get(sev_t.value, "Violation") if sev_t is not None else "Violation",  # type: ignore[attr-defined]
            focus=focus.value if focus is not None else "None",  # type: ignore[attr-defined]
            path=path.value if isinstance(path, NamedNode) else None,
            message=msg_text if msg is not None and msg_text else "constraint not met",
            component="sh:" + comp_text[len(_SH):] if comp_text.startswith(_SH) else comp_text,
            value=value.value if value is not None else None,  # type: ignore[attr-defined]
            shape=shape.value if isinstance(shape, NamedNode) else None,
        ))
    results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path or "", r.component, r.message))
    return Report(conforms=not any(r.severity == "Violation" for r in results),
                  results=tuple(results), label=label)


def report_from_graph(report_graph: Graph, label: str = "") -> Report:
    """Read a SHACL validation report graph (pyshacl's, or :meth:`Report.to_graph`'s)."""
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        def one(p: URIRef) -> object:
            return report_graph.value(node, p)
        sev = SEVERITY_NAMES.get(one(SH.resultSeverity), "Violation")  # type: ignore[arg-type]
        path = one(SH.resultPath)
        value = one(SH.value)
        results.append(Result(
            severity=sev, focus=str(one(SH.focusNode)),
            path=str(path) if isinstance(path, URIRef) else None,
            message=str(one(SH.resultMessage) or "constraint not met"),
            component=_short(one(SH.sourceConstraintComponent)),
            value=str(value) if value is not None else None,
            shape=str(one(SH.sourceShape)) if isinstance(one(SH.sourceShape), URIRef) else None,
        ))
    results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path or "", r.component, r.message))
    return Report(conforms=not any(r.severity == "Violation" for r in results),
                  results=tuple(results), label=label)
