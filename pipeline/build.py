"""Build the published dataset from ``data/articles``: per-article work, then publish.

Per article (a pure function, run in worker processes with ``workers > 1``)::

    facts file (curated) or extractor  ->  link (Wikidata cache)  ->  map  ->  validate

An article whose facts are malformed, or whose graph violates the shapes, is quarantined in
``data/quarantine/<id>/`` with its report; the others publish and the build reports failure
(exit 1). Results are cached by a content hash of every input (text, facts, Wikidata cache,
ontology, shapes, code version, base IRI) so a re-run only redoes what changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline import __version__
from pipeline.errors import DiplokgError, UsageError
from pipeline.iris import Minter, minter as default_minter
from pipeline.publish import GraphPart, atomic_write, publish

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR.parent


@dataclass(frozen=True)
class ArticleInput:
    id: str
    text_path: Path
    facts_path: Path | None  # curated facts (or a metadata-only stub) beside the text


@dataclass(frozen=True)
class ArticleResult:
    id: str
    ok: bool
    origin: str = ""  # "curated" | "extracted"
    graph: str = ""
    nquads: str = ""
    triples: int = 0
    warnings: int = 0
    report_text: str = ""
    report_nt: str = ""  # SHACL results as N-Triples
    error: str = ""  # facts/article error, when not ok before validation
    cached: bool = False


@dataclass
class BuildResult:
    published: list[ArticleResult] = field(default_factory=list)
    quarantined: list[ArticleResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    reused: int = 0

    @property
    def ok(self) -> bool:
        return not self.quarantined

    def summary(self) -> str:
        c = self.counts
        lines = [f"published {len(self.published)} article graph(s), {c.get('quads', 0)} quads, "
                 f"{c.get('triples', 0)} distinct triples in {self.seconds:.1f} s "
                 f"({self.reused} reused from cache)"]
        warn = sum(r.warnings for r in self.published)
        if warn:
            lines.append(f"{warn} SHACL warning(s) published in validation-report.ttl")
        for r in self.quarantined:
            first = (r.error or r.report_text).strip().splitlines()
            lines.append(f"QUARANTINED {r.id}: {first[0] if first else 'failed'}")
        return "\n".join(lines)


def discover(articles_dir: Path) -> list[ArticleInput]:
    """Every article in ``articles_dir``: ``<id>.txt`` with an optional ``<id>.yaml``."""
    if not articles_dir.is_dir():
        raise UsageError(f"articles folder not found: {articles_dir}")
    out = []
    for txt in sorted(articles_dir.glob("*.txt")):
        y = txt.with_suffix(".yaml")
        out.append(ArticleInput(txt.stem, txt, y if y.exists() else None))
    for y in sorted(articles_dir.glob("*.yaml")):
        if not y.with_suffix(".txt").exists():
            out.append(ArticleInput(y.stem, y.with_suffix(".txt"), y))
    return sorted(out, key=lambda a: a.id)


def _hash_files(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=8)
def environment_key(root: Path, base: str) -> str:
    """Hash of everything besides the article that changes a result: code, ontology, shapes, cache."""
    parts = [
        __version__, base,
        _hash_files(PACKAGE_DIR.rglob("*.py")),
        _hash_files((root / "ontology").glob("*.ttl")),
        _hash_files((root / "shapes").glob("*.ttl")),
        _hash_files((root / "data" / "wikidata").glob("*.json")),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def article_key(inp: ArticleInput, env: str) -> str:
    h = hashlib.sha256(env.encode())
    for p in (inp.text_path, inp.facts_path):
        h.update(b"|")
        if p is not None and p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def _has_curated_facts(path: Path) -> bool:
    from pipeline.facts import parse_yaml
    data, _ = parse_yaml(path.read_text("utf-8"), path)
    return isinstance(data, dict) and any(
        data.get(k) for k in ("entities", "holdings", "events", "statements", "claims", "agreements"))


def load_article_facts(inp: ArticleInput):  # -> Facts
    """Curated facts when the .yaml has any, else the extractor's draft."""
    from pipeline.facts import load_facts, read_text
    if inp.facts_path is not None and _has_curated_facts(inp.facts_path):
        return load_facts(inp.facts_path, inp.text_path)
    from pipeline import extract as extractor
    from pipeline.model import Article
    text = read_text(inp.text_path)
    meta = _stub_metadata(inp) if inp.facts_path else {}
    article = Article(id=inp.id, text=text, title=meta.get("title") or _first_line(text),
                      published=meta.get("published"), publisher=meta.get("publisher"),
                      url=meta.get("url"), language=meta.get("language", "en"),
                      sample=bool(meta.get("sample", False)), path=str(inp.text_path))
    return extractor.extract(article)


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "untitled")[:200]


def _stub_metadata(inp: ArticleInput) -> dict:
    from pipeline.facts import _Ctx, _check_schema, _date, parse_yaml
    assert inp.facts_path is not None
    data, root = parse_yaml(inp.facts_path.read_text("utf-8"), inp.facts_path)
    ctx = _Ctx(inp.facts_path, root, "")
    _check_schema(data, ctx)
    meta = dict(data["article"])
    meta["published"] = _date(meta.get("published"), ctx, ["article", "published"])
    return meta


def process_article(inp: ArticleInput, root: Path, base: str) -> ArticleResult:
    """Facts -> link -> map -> validate for one article. Never raises for bad input."""
    from pipeline.link import CacheResolver, link
    from pipeline.mapping import to_graph
    from pipeline.validate import validate

    m = Minter(base)
    try:
        facts = load_article_facts(inp)
        facts = link(facts, _resolver(root / "data" / "wikidata"))
    except DiplokgError as exc:
        return ArticleResult(inp.id, ok=False, error=str(exc))
    except Exception as exc:  # a bug must not take the other articles down with it
        return ArticleResult(inp.id, ok=False,
                             error=f"{inp.text_path}: internal error while reading facts: "
                                   f"{type(exc).__name__}: {exc}")
    graph = to_graph(facts, m)
    report = validate(graph, label=inp.id)
    nquads = "".join(sorted(
        f"{line[:-2]} <{graph.identifier}> .\n"
        for line in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines() if line))
    report_nt = report.to_graph(base).serialize(format="nt")
    return ArticleResult(inp.id, ok=report.conforms, origin=facts.origin, graph=str(graph.identifier),
                         nquads=nquads, triples=len(graph), warnings=len(report.warnings),
                         report_text=report.text(), report_nt=report_nt)


@lru_cache(maxsize=2)
def _resolver(cache_dir: Path):  # -> CacheResolver
    from pipeline.link import CacheResolver
    return CacheResolver.from_dir(cache_dir)


def _cache_get(cache_dir: Path, key: str) -> ArticleResult | None:
    p = cache_dir / f"{key}.json"
    if not p.exists():
        return None
    try:
        d = json.loads(p.read_text("utf-8"))
        return ArticleResult(**{**d, "cached": True})
    except (ValueError, TypeError):
        return None


def _cache_put(cache_dir: Path, key: str, r: ArticleResult) -> None:
    atomic_write(cache_dir / f"{key}.json", json.dumps(asdict(r)).encode("utf-8"))


def quarantine(qdir: Path, r: ArticleResult) -> None:
    d = qdir / r.id
    d.mkdir(parents=True, exist_ok=True)
    atomic_write(d / "report.txt", ((r.error or r.report_text).rstrip() + "\n").encode("utf-8"))
    if r.report_nt:
        atomic_write(d / "report.nt", r.report_nt.encode("utf-8"))


def build_dataset(
    root: Path = DEFAULT_ROOT,
    *,
    out: Path | None = None,
    workers: int = 1,
    base: str | None = None,
    use_cache: bool = True,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> BuildResult:
    """Build ``data/published`` from ``data/articles``.

    Args:
        root: project root (holds data/, ontology/, shapes/).
        out: output folder (default ``root/data/published``).
        workers: processes for per-article work.
        base: IRI base (default from ``DIPLOKG_BASE`` or the standard base).
        use_cache: reuse per-article results whose inputs did not change.
        progress: wraps the per-article iterator (e.g. tqdm) given (iterable, total).

    Returns:
        What was published and what was quarantined; the files are written atomically.
    """
    t0 = time.perf_counter()
    root = Path(root).resolve()
    m = Minter(base) if base else default_minter()
    out = out or root / "data" / "published"
    qdir = root / "data" / "quarantine"
    cache_dir = root / ".diplokg-cache" / "articles"
    inputs = discover(root / "data" / "articles")
    env = environment_key(root, m.base)
    results: dict[str, ArticleResult] = {}
    todo: list[tuple[ArticleInput, str]] = []
    for inp in inputs:
        key = article_key(inp, env)
        hit = _cache_get(cache_dir, key) if use_cache else None
        if hit is not None:
            results[inp.id] = hit
        else:
            todo.append((inp, key))
    wrap = progress or (lambda it, total: it)
    if workers > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futs = {pool.submit(process_article, inp, root, m.base): (inp, key) for inp, key in todo}
            for fut in wrap(as_completed(futs), len(futs)):
                inp, key = futs[fut]
                results[inp.id] = fut.result()
                _cache_put(cache_dir, key, results[inp.id])
    else:
        for inp, key in wrap(todo, len(todo)):
            results[inp.id] = process_article(inp, root, m.base)
            _cache_put(cache_dir, key, results[inp.id])
    res = BuildResult(reused=len(inputs) - len(todo))
    for aid in sorted(results):
        r = results[aid]
        (res.published if r.ok else res.quarantined).append(r)
    parts = [GraphPart(r.id, r.graph, r.nquads, r.triples, r.report_nt) for r in res.published]
    res.counts = publish(parts, out, m)
    for r in res.quarantined:
        quarantine(qdir, r)
    if qdir.exists():  # articles that pass now leave quarantine
        ok_ids = {r.id for r in res.published}
        for d in qdir.iterdir():
            if d.name in ok_ids:
                shutil.rmtree(d)
    res.seconds = time.perf_counter() - t0
    return res
