"""Load a curated facts file (``data/articles/<id>.yaml``) into :class:`~pipeline.model.Facts`.

The file is checked against ``pipeline/facts.schema.json`` (JSON Schema; editors can use it
too), then for consistency: every reference names a declared entity, agreement, claim or
event; every date exists in the calendar; every piece of evidence is found verbatim in the
article text, which gives its offsets. Each problem raises :class:`~pipeline.errors.FactsError`
naming the file, the line and the field.

>>> from pathlib import Path
>>> facts = load_facts(Path("data/articles/russia-north-korea-pact-destabilising-australia.yaml"))
>>> facts.article.id
'russia-north-korea-pact-destabilising-australia'
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pipeline import codes
from pipeline.errors import ArticleError, FactsError
from pipeline.model import (
    Agreement, Article, Claim, DateValue, Entity, Event, Facts, OfficeHolding, Provision,
    Source, Span, Statement, WikidataLink,
)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (``2024-06`` and ``2024-06-19`` alike)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml (10x faster); errors are re-reported by :class:`_Loader`."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of facts files."""
    text = resources.files("pipeline").joinpath("facts.schema.json").read_text("utf-8")
    return json.loads(text)


def read_text(path: Path) -> str:
    """Read an article text file as UTF-8, refusing empty or undecodable files.

    Raises:
        ArticleError: the file is missing, not UTF-8 (with the line of the first bad byte), or empty.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError("article text file not found", path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ArticleError(
            f"article is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8", path, line, col) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ArticleError("article text is empty", path, 1)
    if "\x00" in text:
        raise ArticleError("article looks like a binary file (contains NUL bytes)", path,
                           text[: text.index("\x00")].count("\n") + 1)
    return text


# --------------------------------------------------------------------------- locating nodes


def _node_at(root: yaml.Node, path: list[Any]) -> yaml.Node:
    """The deepest YAML node along ``path`` (mapping keys / sequence indices)."""
    node = root
    for key in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    node = v
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def _key_node(root: yaml.Node, path: list[Any]) -> yaml.Node:
    """The node of the *key* at the end of ``path`` (for 'unknown field' errors)."""
    parent = _node_at(root, path[:-1])
    if isinstance(parent, yaml.MappingNode):
        for k, _ in parent.value:
            if k.value == path[-1]:
                return k
    return parent


def _dotted(path: list[Any]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


@dataclass
class _Ctx:
    path: Path
    root: yaml.Node
    text: str

    def error(self, message: str, fpath: list[Any], key: bool = False) -> FactsError:
        node = _key_node(self.root, fpath) if key else _node_at(self.root, fpath)
        return FactsError(message, self.path, node.start_mark.line + 1, node.start_mark.column + 1,
                          _dotted(fpath))


# --------------------------------------------------------------------------- parsing


def parse_yaml(text: str, path: Path) -> tuple[Any, yaml.Node]:
    """Parse YAML text keeping dates as strings; return (data, node tree).

    Raises:
        FactsError: YAML syntax error, with its line and column.
    """
    if getattr(yaml, "__with_libyaml__", False):
        try:  # libyaml first; on any problem the pure-Python loader below gives the message
            fast = _FastLoader(text)
            try:
                node = fast.get_single_node()
                if node is not None:
                    try:
                        data, dup = _construct_fast(fast, node)
                    except Exception:  # anything unusual (merge keys, odd tags): libyaml's own constructor
                        data, dup = fast.construct_document(node), True
                    if dup:
                        _check_duplicate_keys(node, path)
                    return data, node
            finally:
                fast.dispose()
        except yaml.YAMLError:
            pass
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = f"YAML syntax error: {exc.problem or exc.context}"
        if mark is None:
            raise FactsError(msg, path) from None
        raise FactsError(msg, path, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise FactsError(f"YAML error: {exc}", path) from None
    if node is None:
        raise FactsError("facts file is empty; expected at least an 'article:' section", path, 1)
    _check_duplicate_keys(node, path)
    return data, node


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _construct_fast(loader: yaml.BaseLoader, root: yaml.Node) -> tuple[Any, bool]:
    """``loader.construct_document(root)`` for the plain YAML of facts files, and whether some
    mapping may repeat a key (then :func:`_check_duplicate_keys` words the error).

    Strings, mappings and sequences are built here (the bulk of a facts file); every other
    scalar goes to the loader's own constructor for its tag. A node this does not handle
    (merge or ``=`` keys, an unknown collection tag) raises, and the caller uses the loader's
    constructor for the whole document. An alias gives the same object, as the loader does.
    """
    constructors = loader.yaml_constructors
    memo: dict[int, Any] = {}
    dup = False
    Scalar, Mapping, Sequence = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode

    def walk(node: yaml.Node) -> Any:
        nonlocal dup
        cls = node.__class__
        if cls is Scalar:
            if node.tag == _STR:
                return node.value
            return constructors[node.tag](loader, node)
        hit = memo.get(id(node))
        if hit is not None:
            return hit
        if cls is Mapping and node.tag == _MAP:
            out: dict[Any, Any] = {}
            memo[id(node)] = out
            seen = set()
            for k, v in node.value:
                if k.__class__ is not Scalar or k.tag not in (_STR, "tag:yaml.org,2002:int",
                                                                "tag:yaml.org,2002:bool",
                                                                "tag:yaml.org,2002:null",
                                                                "tag:yaml.org,2002:float"):
                    raise ValueError("a key this fast path leaves to the loader")
                if k.value in seen:
                    dup = True
                seen.add(k.value)
                out[walk(k)] = walk(v)
            return out
        if cls is Sequence and node.tag == _SEQ:
            seq: list[Any] = []
            memo[id(node)] = seq
            seq.extend(walk(item) for item in node.value)
            return seq
        raise ValueError(f"node {node.tag} left to the loader")

    return walk(root), dup


def _check_duplicate_keys(root: yaml.Node, path: Path) -> None:
    """YAML loaders keep the last of two equal keys silently; a facts file must not have any.

    Raises:
        FactsError: at the second occurrence of a key, naming the first.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, yaml.Node] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        first = seen[k.value].start_mark.line + 1
                        raise FactsError(f"duplicate key {k.value!r} (first defined on line {first})",
                                         path, k.start_mark.line + 1, k.start_mark.column + 1)
                    seen[k.value] = k
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _schema_message(err: "jsonschema.ValidationError") -> tuple[str, bool]:
    """A readable message for a schema error, and whether it points at a key."""
    import jsonschema
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        return f"unknown field {extra[0]!r}; allowed fields here: {allowed}", True
    if err.validator == "required":
        return f"missing required field: {err.message.split(' is a required')[0]}", False
    if err.validator == "enum":
        return f"{err.instance!r} is not one of: {', '.join(map(str, err.validator_value))}", False
    if err.validator == "pattern":
        return f"{err.instance!r} does not have the expected form (pattern {err.validator_value})", False
    if err.validator == "oneOf" and err.context:
        best = jsonschema.exceptions.best_match(err.context)
        return _schema_message(best)[0], False
    if err.validator == "type":
        return f"{err.instance!r} is not a {err.validator_value}", False
    return err.message, False


_schema_checks = 0  # facts files checked in this process


def warm_up() -> None:
    """Compile the fast schema check now (for a process about to check many facts files, or to
    fork workers that will)."""
    _fast_schema_check()


@lru_cache(maxsize=1)
def _fast_schema_check() -> Any:
    """The schema compiled by fastjsonschema (30x faster), or None when it is not installed.

    Only a yes/no: on a no, jsonschema finds the error to report (with its path and wording).
    Compiling takes 0.1 s, so :func:`_check_schema` uses it from the 8th file of a process on.
    """
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - a runtime dependency
        return None
    return fastjsonschema.compile(schema())


def _check_schema(data: Any, ctx: _Ctx) -> None:
    global _schema_checks
    _schema_checks += 1
    fast = _fast_schema_check() if _schema_checks > 7 or _fast_schema_check.cache_info().currsize else None
    if fast is not None:
        import fastjsonschema
        try:
            fast(data)
            return
        except fastjsonschema.JsonSchemaException:
            pass  # jsonschema below says what is wrong, and where
    import jsonschema  # here: a build that only meets valid files with fastjsonschema never imports it
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if not errors:
        return
    # report the first error in file order
    def line(e: "jsonschema.ValidationError") -> int:
        return _node_at(ctx.root, list(e.absolute_path)).start_mark.line
    err = min(errors, key=line)
    message, key = _schema_message(err)
    fpath = list(err.absolute_path)
    if key and err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        fpath = fpath + [extra[0]]
    raise ctx.error(message, fpath, key=key)


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date(value: Any, ctx: _Ctx, fpath: list[Any]) -> DateValue | None:
    if value is None:
        return None
    if isinstance(value, dict):
        src = value["source"]
        source = Source(src["citation"], src.get("url"))
        raw, where = value["value"], fpath + ["value"]
    else:
        source, raw, where = None, value, fpath
    m = _DATE.match(str(raw))
    if not m:
        raise ctx.error(f"{raw!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD", where)
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        raise ctx.error(f"impossible date {raw!r}: month {month} does not exist", where)
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]  # type: ignore[arg-type]
        if not 1 <= day <= last:
            raise ctx.error(f"impossible date {raw!r}: {calendar.month_name[month]} {year} has {last} days", where)
    return DateValue(str(raw), source)


def _span(value: Any, ctx: _Ctx, fpath: list[Any]) -> Span:
    """Find evidence text in the article and return its span."""
    if isinstance(value, dict):
        needle, occurrence = value["text"], int(value.get("occurrence", 1))
        where = fpath + ["text"]
    else:
        needle, occurrence, where = value, 1, fpath
    start = -1
    for _ in range(occurrence):
        start = ctx.text.find(needle, start + 1)
        if start < 0:
            break
    if start < 0:
        count = ctx.text.count(needle)
        if count:
            raise ctx.error(f"evidence occurs {count} time(s) in the article, not {occurrence}", fpath)
        hint = _near_miss(needle, ctx.text)
        short = needle if len(needle) <= 80 else needle[:77] + "..."
        raise ctx.error(f"evidence not found verbatim in the article text: {short!r}{hint}", where)
    return Span(start, start + len(needle), needle)


def _near_miss(needle: str, text: str) -> str:
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    if needle.translate(table) in text.translate(table):
        return " (it differs only in quotes or dashes: copy the text exactly, e.g. ’ “ ” –)"
    if needle.lower() in text.lower():
        return " (it differs only in upper/lower case)"
    if " ".join(needle.split()) in " ".join(text.split()):
        return " (it differs only in white space or line breaks)"
    return ""


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


def _read_yaml_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FactsError(f"facts file is not UTF-8 (offset {exc.start})", path) from None


def article_metadata(path: Path, text: str | None = None, *, check_schema: bool = True) -> dict[str, Any]:
    """The ``article:`` section of a facts file (e.g. a metadata-only stub), its date parsed.

    Args:
        path: the facts file.
        text: its content, when the caller has read it already.
        check_schema: check the whole file against the schema first.

    Returns:
        The section's fields, ``published`` as a :class:`~pipeline.model.DateValue` or None;
        an empty dict when the file has no ``article:`` mapping (only without ``check_schema``).

    Raises:
        FactsError: YAML syntax, schema or date problems (file, line, field).
    """
    path = Path(path)
    data, root = parse_yaml(text if text is not None else _read_yaml_text(path), path)
    ctx = _Ctx(path, root, "")
    if check_schema:
        _check_schema(data, ctx)
    if not isinstance(data, dict) or not isinstance(data.get("article"), dict):
        return {}
    meta = dict(data["article"])
    meta["published"] = _date(meta.get("published"), ctx, ["article", "published"])
    return meta


def load_facts(path: Path, text_path: Path | None = None) -> Facts:
    """Load and check one facts file.

    Args:
        path: ``data/articles/<id>.yaml``.
        text_path: the article text; default: ``article.text`` in the file, else ``<id>.txt`` beside it.

    Returns:
        The curated facts with every evidence span resolved.

    Raises:
        FactsError: YAML syntax, schema, reference, date or evidence problems (file, line, field).
        ArticleError: the article text is missing, empty or not UTF-8.
    """
    path = Path(path)
    data, root = parse_yaml(_read_yaml_text(path), path)
    ctx = _Ctx(path, root, "")
    _check_schema(data, ctx)
    art = data["article"]
    if art["id"] != path.stem:
        raise ctx.error(f"article id {art['id']!r} must equal the file name {path.stem!r}", ["article", "id"])
    tpath = text_path or path.with_name(art.get("text") or f"{art['id']}.txt")
    ctx.text = read_text(tpath)
    article = Article(
        id=art["id"], text=ctx.text, title=art["title"],
        published=_date(art.get("published"), ctx, ["article", "published"]),
        publisher=art.get("publisher"), url=art.get("url"), language=art.get("language", "en"),
        authors=_tuple(art.get("authors")), based_on=_tuple(art.get("based_on")),
        sample=bool(art.get("sample", False)), path=str(tpath),
    )
    return _build_facts(data, ctx, article, str(path))


def _build_facts(data: dict[str, Any], ctx: _Ctx, article: Article, path: str) -> Facts:
    ents_in = data.get("entities") or {}
    agrs_in = data.get("agreements") or {}
    claims_in = data.get("claims") or {}
    events_in = data.get("events") or {}
    things = set(ents_in) | set(agrs_in)  # what actors/targets/about may name

    def ref(value: str | None, fpath: list[Any], pool: set[str], what: str) -> str | None:
        if value is not None and value not in pool:
            raise ctx.error(f"unknown {what} {value!r}; declare it under '{_section(what)}:' first", fpath)
        return value

    def refs(values: Any, fpath: list[Any], pool: set[str] = things, what: str = "entity") -> tuple[str, ...]:
        for i, v in enumerate(values or ()):
            ref(v, fpath + [i], pool, what)
        return _tuple(values)

    entities = []
    for eid, e in ents_in.items():
        fp = ["entities", eid]
        link = WikidataLink(e["wikidata"], "curated", 1.0) if e.get("wikidata") else None
        entities.append(Entity(eid, e["type"], e["name"], _tuple(e.get("aliases")),
                               ref(e.get("country"), fp + ["country"], set(ents_in), "entity"),
                               e.get("description"), link))
    holdings = [
        OfficeHolding(hid, ref(h["person"], ["holdings", hid, "person"], set(ents_in), "entity") or "",
                      h["office"], ref(h.get("country"), ["holdings", hid, "country"], set(ents_in), "entity"),
                      _span(h["evidence"], ctx, ["holdings", hid, "evidence"]),
                      _date(h.get("start"), ctx, ["holdings", hid, "start"]),
                      _date(h.get("end"), ctx, ["holdings", hid, "end"]))
        for hid, h in (data.get("holdings") or {}).items()
    ]
    agreements = []
    for aid, a in agrs_in.items():
        fp = ["agreements", aid]
        provisions = tuple(
            Provision(pid, p["text"], _span(p["evidence"], ctx, fp + ["provisions", pid, "evidence"]),
                      p.get("modality", "reported"), p.get("condition"))
            for pid, p in (a.get("provisions") or {}).items())
        agreements.append(Agreement(aid, a["name"], _span(a["evidence"], ctx, fp + ["evidence"]),
                                    refs(a.get("parties"), fp + ["parties"]),
                                    refs(a.get("signatories"), fp + ["signatories"]),
                                    _date(a.get("signed"), ctx, fp + ["signed"]),
                                    ref(a.get("place"), fp + ["place"], things, "entity"), provisions))
    claims = [
        Claim(cid, c["text"], _span(c["evidence"], ctx, ["claims", cid, "evidence"]),
              refs(c.get("about"), ["claims", cid, "about"]),
              refs(c.get("alleged_by"), ["claims", cid, "alleged_by"]),
              refs(c.get("denied_by"), ["claims", cid, "denied_by"]),
              refs(c.get("violates"), ["claims", cid, "violates"]))
        for cid, c in claims_in.items()
    ]
    events = []
    for vid, v in events_in.items():
        fp = ["events", vid]
        if v.get("cameo") is not None and v["cameo"] not in codes.tables().cameo_labels:
            raise ctx.error(f"{v['cameo']!r} is not a CAMEO event code (see ontology/cameo.ttl)",
                            fp + ["cameo"])
        events.append(Event(
            vid, v["type"], _span(v["evidence"], ctx, fp + ["evidence"]),
            refs(v.get("actors"), fp + ["actors"]), refs(v.get("targets"), fp + ["targets"]),
            refs(v.get("participants"), fp + ["participants"]),
            ref(v.get("place"), fp + ["place"], things, "entity"),
            _date(v.get("date"), ctx, fp + ["date"]), v.get("modality", "reported"),
            _tuple(v.get("topics")), _tuple(v.get("characterisations")),
            ref(v.get("agreement"), fp + ["agreement"], set(agrs_in), "agreement"),
            ref(v.get("claim"), fp + ["claim"], set(claims_in), "claim"),
            v.get("cameo"),
            refs(v.get("follows"), fp + ["follows"], set(events_in), "event"),
            ref(v.get("part_of"), fp + ["part_of"], set(events_in), "event"),
            v.get("condition"),
        ))
    statements = []
    for sid, s in (data.get("statements") or {}).items():
        fp = ["statements", sid]
        span = _span(s["quote"], ctx, fp + ["quote"])
        statements.append(Statement(sid, ref(s["speaker"], fp + ["speaker"], things, "entity") or "",
                                    span.exact, span, bool(s.get("direct", True)), s.get("verb"),
                                    refs(s.get("about"), fp + ["about"]), _date(s.get("date"), ctx, fp + ["date"])))
    return Facts(article, tuple(entities), tuple(holdings), tuple(events), tuple(statements),
                 tuple(claims), tuple(agreements), "curated", path)


def _section(what: str) -> str:
    return {"entity": "entities", "agreement": "agreements", "claim": "claims", "event": "events"}[what]
