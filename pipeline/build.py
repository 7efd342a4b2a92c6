"""Build the published dataset from ``data/articles``: per-article work, then publish.

Per article (a pure function, run in worker processes with ``workers > 1``, or on a Dask
cluster with ``dask=ADDRESS``)::

    facts file (curated) or extractor  ->  link (Wikidata cache)  ->  map  ->  validate

An article whose facts are malformed, or whose graph violates the shapes, is quarantined in
``data/quarantine/<id>/`` with its report; the others publish and the build reports failure
(exit 1). Results are cached by a content hash of every input (text, facts, Wikidata cache,
ontology, shapes, code version, base IRI, SHACL engine) so a re-run only redoes what changed.

Scale (issue 7):

* **Streaming.** Each article's result goes to the cache as ``<key>.nq`` (its sorted N-Quads),
  ``<key>.trig`` (its TriG block), ``<key>.report`` and ``<key>.json`` (counts, errors); the build
  keeps only small metadata per article in memory and :func:`~pipeline.publish.publish` reads the parts one by one, so memory
  stays flat as the corpus grows.
* **Worker death.** A worker process that dies (segfault, OOM kill, ``os._exit``) breaks the
  process pool. Articles that were queued are resubmitted to a fresh pool; the article(s) a dead
  pool's workers were running (each worker notes its current article in a marker file) are retried
  once, each alone in a fresh process; an article that kills that process too is reported and
  quarantined (``worker process died``), never cached. No partial files are left: cache entries
  and published files are written to temporary names and renamed.
* **Dask.** ``dask="tcp://host:8786"`` runs the same per-article function on a
  ``dask.distributed`` cluster whose workers see the same files (``pip install diplokg[dask]``).

``DIPLOKG_TEST_WORKER_EXIT=<article-id>`` is a test hook: a pool worker that picks up that article
exits at once (``os._exit(70)``), as a crashing worker would. Serial builds ignore it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import resource
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from pipeline import __version__
from pipeline.errors import DiplokgError, UsageError
from pipeline.iris import Minter, minter as default_minter
from pipeline.incremental import State, Unpatchable, patch
from pipeline.publish import FILES, Conflict, GraphPart, atomic_write, prefixes, publish, trig_block

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR.parent

#: The per-article stages, in order (``ArticleResult.seconds`` has one entry per stage).
STAGES = ("facts", "link", "map", "validate", "serialize")
#: The SHACL engines ``validate`` accepts (see :mod:`pipeline.validate`).
SHACL_ENGINES = ("pyshacl", "turbo")
CRASH_HOOK = "DIPLOKG_TEST_WORKER_EXIT"
WORKER_DIED = "worker process died"
INTERNAL_ERROR = "internal error"


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
    nquads: str = ""  # empty in results the build keeps: the quads are in the cache (``nquads_path``)
    triples: int = 0
    warnings: int = 0
    report_text: str = ""
    report_nt: str = ""  # SHACL results as N-Triples
    error: str = ""  # facts/article error, when not ok before validation
    cached: bool = False
    seconds: tuple[float, ...] = ()  # time per stage, see STAGES
    key: str = ""  # cache key (``<cache>/<key>.json``, ``.nq``, ``.trig``, ``.report``)
    worker_rss_mb: float = 0.0  # peak RSS of the process that made it, when it was made (not cached)


@dataclass
class BuildResult:
    published: list[ArticleResult] = field(default_factory=list)
    quarantined: list[ArticleResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    reused: int = 0
    #: CPU seconds per stage summed over the articles processed (not reused), plus wall-clock
    #: seconds of ``"publish"`` and of the whole per-article phase (``"articles"``).
    stage_seconds: dict[str, float] = field(default_factory=dict)
    processed_triples: int = 0  # triples of the articles processed (not reused) in this run
    worker_rss_mb: float = 0.0  # peak RSS of the processes that did the per-article work
    #: entities on which articles disagree (two names, two signing dates...): published, but
    #: the build fails so that someone fixes the facts
    conflicts: list[Conflict] = field(default_factory=list)
    patched: bool = False  # the published files were patched, not rewritten (pipeline.incremental)

    @property
    def ok(self) -> bool:
        return not self.quarantined and not self.conflicts

    def summary(self) -> str:
        c = self.counts
        lines = [f"published {len(self.published)} article graph(s), {c.get('quads', 0)} quads, "
                 f"{c.get('triples', 0)} distinct triples in {self.seconds:.1f} s "
                 f"({self.reused} reused from cache)"]
        n = len(self.published) + len(self.quarantined)
        if self.seconds > 0 and n:
            lines.append(f"{n / self.seconds:.1f} articles/s, {c.get('quads', 0) / self.seconds:,.0f} quads/s "
                         "over the whole build")
        st = self.stage_seconds
        if any(st.get(s) for s in STAGES):
            lines.append("time per stage (CPU s, summed over workers): " + ", ".join(
                f"{s} {st.get(s, 0):.1f}" for s in STAGES) + f"; publish {st.get('publish', 0):.1f} s")
        warn = sum(r.warnings for r in self.published)
        if warn:
            lines.append(f"{warn} SHACL warning(s) published in validation-report.ttl")
        for r in self.quarantined:
            first = (r.error or r.report_text).strip().splitlines()
            lines.append(f"QUARANTINED {r.id}: {first[0] if first else 'failed'}")
        for c in self.conflicts:
            lines.append(f"CONFLICT between articles: {c.line()}")
        return "\n".join(lines)


def discover(articles_dir: Path) -> list[ArticleInput]:
    """Every article in ``articles_dir``: ``<id>.txt`` with an optional ``<id>.yaml`` (or a
    ``<id>.yaml`` alone). Hidden files (``.name``) are not articles."""
    return [ArticleInput(i, Path(txt), Path(yml) if yml else None) for i, txt, yml in _scan(articles_dir)]


def _scan(articles_dir: Path) -> list[tuple[str, str, str | None]]:
    """:func:`discover` as strings, ``(id, text path, facts path or None)``: one directory read, no
    stat per file and no Path objects (a 10k-article build makes them only for the articles it redoes)."""
    if not articles_dir.is_dir():
        raise UsageError(f"articles folder not found: {articles_dir}")
    names = {n for n in os.listdir(articles_dir) if not n.startswith(".")}
    ids = {n[:-4] for n in names if n.endswith(".txt")} | {n[:-5] for n in names if n.endswith(".yaml")}
    d = os.path.join(str(articles_dir), "")
    return [(i, f"{d}{i}.txt", f"{d}{i}.yaml" if f"{i}.yaml" in names else None) for i in sorted(ids) if i]


def _hash_files(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


#: Package files that never run in the per-article work (the CLI, the server, the store loaders):
#: editing them does not invalidate cached article results. Everything else counts as code version.
NOT_PER_ARTICLE = ("cli.py", "commands/", "server/", "load.py", "store.py", "ingest.py", "vocabgen.py",
                   "incremental.py")
#: The extractor: its code version is checked only for results it made (articles without curated
#: facts), so that editing it does not invalidate the curated articles.
EXTRACTOR = "extract/"


def _code_files() -> list[Path]:
    files = [*PACKAGE_DIR.rglob("*.py"), *PACKAGE_DIR.glob("*.json")]
    return [f for f in files if "__pycache__" not in f.parts
            and not f.relative_to(PACKAGE_DIR).as_posix().startswith((*NOT_PER_ARTICLE, EXTRACTOR))]


@lru_cache(maxsize=1)
def extractor_key() -> str:
    """Hash of the extractor's code (``pipeline/extract/``)."""
    return _hash_files(f for f in (PACKAGE_DIR / EXTRACTOR).rglob("*.py") if "__pycache__" not in f.parts)


@lru_cache(maxsize=8)
def environment_key(root: Path, base: str, engine: str = "pyshacl") -> str:
    """Hash of everything besides the article that changes a result: code, ontology, shapes,
    cache, SHACL engine."""
    parts = [
        __version__, base,
        _hash_files(_code_files()),
        _hash_files((root / "ontology").glob("*.ttl")),
        _hash_files((root / "shapes").glob("*.ttl")),
        _hash_files((root / "data" / "wikidata").glob("*.json")),
    ]
    if engine != "pyshacl":  # the reference engine keeps the keys it always had
        parts.append(engine)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class FileHashes:
    """SHA-256 of files, remembered by their (size, mtime, ctime, inode) as git's index does, so a
    re-run over 10k unchanged articles stats them instead of reading them.

    A file changed within two seconds before the build started is hashed every time (until it is
    older): a change in the same clock tick as the remembered one cannot go unseen.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.started = time.time_ns()
        self.known: dict[str, list] = {}
        self.seen: dict[str, list] = {}
        if path is not None:
            try:
                self.known = json.loads(path.read_bytes())
            except (OSError, ValueError):
                self.known = {}

    def digest(self, p: Path | str) -> str | None:
        """The file's SHA-256 (hex), or None when there is no such file."""
        name = str(p)
        try:
            st = os.stat(name)
        except FileNotFoundError:
            return None
        sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        e = self.known.get(name)
        if e is not None and e[:4] == sig:
            self.seen[name] = e
            return e[4]
        with open(name, "rb") as fh:
            h = hashlib.sha256(fh.read()).hexdigest()
        if max(st.st_mtime_ns, st.st_ctime_ns) < self.started - 2_000_000_000:
            self.seen[name] = [*sig, h]
        return h

    def save(self) -> None:
        """Remember the files hashed or seen in this run (and forget the others)."""
        if self.path is not None and self.seen != self.known:
            atomic_write(self.path, json.dumps(self.seen).encode("utf-8"), sync=False)


def article_key(inp: ArticleInput, env: str, hashes: FileHashes | None = None) -> str:
    """The cache key of an article: its text and facts (their hashes) and the environment."""
    return _key(str(inp.text_path), str(inp.facts_path) if inp.facts_path else None, env,
                hashes or FileHashes())


def _key(text: str, facts: str | None, env: str, hashes: FileHashes) -> str:
    h = hashlib.sha256(env.encode())
    for p in (text, facts):
        h.update(b"|")
        d = hashes.digest(p) if p is not None else None
        if d is not None:
            h.update(d.encode())
    return h.hexdigest()


def _has_curated_facts(path: Path) -> bool:
    from pipeline.facts import parse_yaml
    data, _ = parse_yaml(path.read_text("utf-8"), path)
    return isinstance(data, dict) and any(data.get(k) for k in FACT_SECTIONS)


def _facts_sections_empty(facts) -> bool:  # Facts -> bool
    return not any(getattr(facts, k) for k in FACT_SECTIONS)


#: The sections of a facts file, which are also the fields of :class:`~pipeline.model.Facts`.
FACT_SECTIONS = ("entities", "holdings", "events", "statements", "claims", "agreements")


def load_article_facts(inp: ArticleInput):  # -> Facts
    """Curated facts when the .yaml has any, else the extractor's draft.

    The facts file is parsed once in the common case: it is loaded as curated facts, and only
    when that yields no facts at all (a metadata-only stub), or fails, is it checked whether it
    has any curated section.
    """
    from pipeline.facts import article_metadata, load_facts, read_text
    if inp.facts_path is not None:
        try:
            facts = load_facts(inp.facts_path, inp.text_path)
        except DiplokgError:
            if _has_curated_facts(inp.facts_path):
                raise
        else:
            if not _facts_sections_empty(facts):
                return facts
    from pipeline import extract as extractor
    from pipeline.model import Article
    text = read_text(inp.text_path)
    meta = article_metadata(inp.facts_path) if inp.facts_path else {}
    article = Article(id=inp.id, text=text, title=meta.get("title") or _first_line(text),
                      published=meta.get("published"), publisher=meta.get("publisher"),
                      url=meta.get("url"), language=meta.get("language", "en"),
                      sample=bool(meta.get("sample", False)), path=str(inp.text_path))
    return extractor.extract(article)


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "untitled")[:200]


def process_article(inp: ArticleInput, root: Path, base: str, engine: str = "pyshacl") -> ArticleResult:
    """Facts -> link -> map -> validate for one article. Never raises for bad input.

    Args:
        inp: the article's files.
        root: project root (its ``shapes/``, ``ontology/`` and ``data/wikidata/`` are used).
        base: IRI base.
        engine: SHACL engine, one of :data:`SHACL_ENGINES`.

    Returns:
        The article's sorted N-Quads, its SHACL report and the time each stage took.
    """
    from pipeline.link import link
    from pipeline.mapping import to_ntriples
    from pipeline.validate import validate_article

    m = Minter(base)
    root = Path(root)
    t0 = time.process_time()
    try:
        facts = load_article_facts(inp)
        t1 = time.process_time()
        facts = link(facts, _resolver(root / "data" / "wikidata"))
    except DiplokgError as exc:
        return ArticleResult(inp.id, ok=False, error=str(exc))
    except Exception as exc:  # a bug must not take the other articles down with it
        return ArticleResult(inp.id, ok=False,
                             error=f"{inp.text_path}: {INTERNAL_ERROR} while reading facts: "
                                   f"{type(exc).__name__}: {exc}")
    t2 = time.process_time()
    triples = to_ntriples(facts, m)  # N-Triples lines written directly: no rdflib graph on this path
    nt = triples.text()
    # turbo validates the N-Triples (and looks the IRI objects up in the ontology); pyshacl needs a graph
    data = triples if engine == "turbo" else triples.graph(m)
    t3 = t4 = time.process_time()  # the N-Triples come from the mapper: no serialization before SHACL
    report = validate_article(data, inp.id, root / "shapes", root / "ontology", engine,  # type: ignore[arg-type]
                              data_nt=nt, base=base)
    t5 = time.process_time()
    suffix = f" <{triples.identifier}> .\n"
    nquads = "".join(sorted(line[:-3] + suffix for line in triples.lines))
    report_nt = report.to_nt(base)
    t6 = time.process_time()
    return ArticleResult(inp.id, ok=report.conforms, origin=facts.origin, graph=triples.identifier,
                         nquads=nquads, triples=len(triples), warnings=len(report.warnings),
                         report_text=report.text(), report_nt=report_nt,
                         seconds=(t1 - t0, t2 - t1, t3 - t2, t5 - t4, t4 - t3 + t6 - t5))


@lru_cache(maxsize=2)
def _resolver(cache_dir: Path):  # -> CacheResolver
    from pipeline.link import CacheResolver
    return CacheResolver.from_dir(cache_dir)


# --------------------------------------------------------------------------- the cache


def _light(r: ArticleResult) -> ArticleResult:
    """What the build keeps in memory of a result: no quads, no report of a published article."""
    if r.ok:
        return replace(r, nquads="", report_nt="", report_text="")
    return replace(r, nquads="")


def _cache_get(cache_dir: Path, key: str) -> ArticleResult | None:
    p = cache_dir / f"{key}.json"
    try:
        d = json.loads(p.read_bytes())
        extractor = d.pop("extractor", None)
        d["seconds"] = tuple(d.get("seconds", ()))
        r = ArticleResult(**{**d, "cached": True, "key": key})
        if r.origin != "curated" and extractor != extractor_key():
            return None  # made (or possibly made) by the extractor, whose code has changed since
        if r.ok:
            if not ((cache_dir / f"{key}.nq").exists() and (cache_dir / f"{key}.trig").exists()
                    and (cache_dir / f"{key}.report").exists()):
                return None
        else:  # a quarantined article's report is needed now; a published one's only by publish()
            rep = json.loads((cache_dir / f"{key}.report").read_bytes())
            r = replace(r, report_text=rep["report_text"], report_nt=rep["report_nt"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return _light(r)


@lru_cache(maxsize=4)
def _prefixes(base: str) -> dict[str, str]:
    return prefixes(Minter(base))


_TMP_TOKEN = os.urandom(4).hex()  # with the pid: temporary names no other process uses
_tmp_count = itertools.count()


def _write_entry(path: Path, data: bytes) -> None:
    """:func:`~pipeline.publish.atomic_write` without fsync for cache entries, cheaper: a
    temporary name of this process (``.<name>.<pid>-<token>-<n>.tmp``, created exclusively) and
    a rename."""
    tmp = path.parent / f".{path.name}.{os.getpid()}-{_TMP_TOKEN}-{next(_tmp_count)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:  # a stale name from an earlier process with the same pid and token
        atomic_write(path, data, sync=False)
        return
    try:
        with open(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _cache_put(cache_dir: Path, key: str, r: ArticleResult, base: str, parsed_strictly: bool = False) -> None:
    """Store a result: the quads in ``<key>.nq``, its TriG block in ``<key>.trig``, its SHACL
    report in ``<key>.report`` (JSON), the small rest in ``<key>.json`` (written last: an entry
    counts only when its JSON exists).

    ``parsed_strictly``: the quads were read by a strict N-Triples parser already (the turbo
    SHACL engine's), so the TriG block is made with the lenient (faster) parser.
    """
    if r.ok:
        nq = r.nquads.encode("utf-8")
        _write_entry(cache_dir / f"{key}.nq", nq)
        _write_entry(cache_dir / f"{key}.trig", trig_block(nq, _prefixes(base), lenient=parsed_strictly))
    _write_entry(cache_dir / f"{key}.report",
                 json.dumps({"report_text": r.report_text, "report_nt": r.report_nt}).encode("utf-8"))
    d = asdict(r)
    for k in ("nquads", "cached", "worker_rss_mb", "report_text", "report_nt"):
        d.pop(k)
    d["key"] = key
    if r.origin != "curated":
        d["extractor"] = extractor_key()
    _write_entry(cache_dir / f"{key}.json", json.dumps(d).encode("utf-8"))


def quarantine(qdir: Path, r: ArticleResult) -> None:
    d = qdir / r.id
    d.mkdir(parents=True, exist_ok=True)
    atomic_write(d / "report.txt", ((r.error or r.report_text).rstrip() + "\n").encode("utf-8"))
    if r.report_nt:
        atomic_write(d / "report.nt", r.report_nt.encode("utf-8"))


# --------------------------------------------------------------------------- running the articles

_MARKER_DIR: Path | None = None  # set in pool workers: where each notes its current article


def _init_worker(marker_dir: str | None) -> None:
    global _MARKER_DIR
    _MARKER_DIR = Path(marker_dir) if marker_dir else None


def _work(inp: ArticleInput, key: str, root: Path, base: str, engine: str, cache_dir: Path) -> ArticleResult:
    """One article in a worker: process it, store it in the cache, return the light result."""
    marker = _MARKER_DIR / str(os.getpid()) if _MARKER_DIR is not None else None
    if marker is not None:
        marker.write_text(inp.id, "utf-8")
        if os.environ.get(CRASH_HOOK) == inp.id:
            os._exit(70)
    r = process_article(inp, root, base, engine)
    r = replace(r, key=key)
    if INTERNAL_ERROR not in r.error:  # a bug (or code half-edited) is no property of the inputs: not cached
        _cache_put(cache_dir, key, r, base, parsed_strictly=engine == "turbo")  # turbo parsed the N-Triples
    if marker is not None:
        marker.write_text("", "utf-8")
    return replace(_light(r), worker_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _warm_up(root: Path, base: str, engine: str) -> None:
    """Import and load here, once, what every article needs (modules, schema, Wikidata cache,
    shapes, compiled turbo shapes): pool workers are forked from this process and inherit it."""
    from pipeline import link, mapping  # noqa: F401
    from pipeline import facts
    from pipeline.validate import warm_up
    facts.warm_up()
    _resolver(root / "data" / "wikidata")
    _prefixes(base)
    warm_up(root / "shapes", root / "ontology", engine, base)


def _died(inp: ArticleInput, key: str, detail: str) -> ArticleResult:
    return ArticleResult(inp.id, ok=False, key=key,
                         error=f"{inp.text_path}: {WORKER_DIED} while processing this article ({detail}); "
                               "it was retried once and is not published")


def _isolated_target(conn, args) -> None:  # type: ignore[no-untyped-def]
    _init_worker(args[-1])
    conn.send(_work(*args[:-1]))
    conn.close()


def _run_isolated(item: tuple[ArticleInput, str], args: tuple, marker_dir: Path) -> ArticleResult:
    """Retry one article alone in a fresh process; report it if that process dies too."""
    inp, key = item
    ctx = multiprocessing.get_context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_isolated_target, args=(send, (inp, key, *args, str(marker_dir))))
    proc.start()
    send.close()
    try:
        result = recv.recv()
    except EOFError:
        result = None
    proc.join()
    if result is None:
        code = proc.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return _died(inp, key, f"twice; the retry alone ended with {how}")
    return result


def _run_pool(todo: list[tuple[ArticleInput, str]], workers: int, args: tuple,
              marker_dir: Path) -> Iterator[ArticleResult]:
    """Process ``todo`` in a process pool, surviving worker deaths (see the module docstring)."""
    pending = deque(todo)
    isolate: list[tuple[ArticleInput, str]] = []
    window = max(4 * workers, 8)
    blind_breaks = 0
    # The workers are forked from this process: without this, their garbage collector would walk
    # (and so write to, unsharing the pages of) every object they inherit, e.g. the corpus' paths
    # and keys, making each worker as large as this process (200 MB each at 100k articles).
    gc.freeze()
    try:
        yield from _pool_rounds(pending, isolate, window, blind_breaks, workers, args, marker_dir)
    finally:
        gc.unfreeze()


def _pool_rounds(pending: deque, isolate: list, window: int, blind_breaks: int, workers: int,
                 args: tuple, marker_dir: Path) -> Iterator[ArticleResult]:
    while pending:
        for f in marker_dir.iterdir():
            f.unlink()
        broken: list[tuple[ArticleInput, str]] = []
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(str(marker_dir),)) as pool:
            inflight: dict[Future, tuple[ArticleInput, str]] = {}
            while pending or inflight:
                while pending and len(inflight) < window and not broken:
                    item = pending.popleft()
                    try:
                        inflight[pool.submit(_work, *item, *args)] = item
                    except BrokenProcessPool:  # a worker died since the last results
                        broken.append(item)
                        break
                if not inflight:
                    break
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in done:
                    item = inflight.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        broken.append(item)
                    except Exception as exc:  # pickling or another internal failure: report, go on
                        yield ArticleResult(item[0].id, ok=False, key=item[1],
                                            error=f"{item[0].text_path}: internal error in the worker: "
                                                  f"{type(exc).__name__}: {exc}")
                if broken:
                    for fut, item in list(inflight.items()):  # the rest fail or finished just before
                        inflight.pop(fut)
                        try:
                            yield fut.result()
                        except BrokenProcessPool:
                            broken.append(item)
                        except Exception as exc:
                            yield ArticleResult(item[0].id, ok=False, key=item[1],
                                                error=f"{item[0].text_path}: internal error in the worker: "
                                                      f"{type(exc).__name__}: {exc}")
                    break
        if not broken:
            continue
        running = {f.read_text("utf-8") for f in marker_dir.iterdir()} - {""}
        suspects = [it for it in broken if it[0].id in running]
        if not suspects:
            blind_breaks += 1
            if blind_breaks > 1:  # workers die before they start an article: nothing to retry
                suspects = list(broken)
        isolate += suspects
        ids = {it[0].id for it in suspects}
        pending.extendleft(reversed([it for it in broken if it[0].id not in ids]))
    for item in isolate:
        yield _run_isolated(item, args, marker_dir)


def _run_dask(todo: list[tuple[ArticleInput, str]], address: str, args: tuple) -> Iterator[ArticleResult]:
    """Process ``todo`` on a Dask cluster (its workers must see ``root`` at the same path)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--dask needs dask.distributed: pip install 'diplokg[dask]'") from None
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        window = max(8 * sum(client.nthreads().values()), 16)
        pending = deque(todo)
        futs = as_completed()
        items = {}
        def submit() -> None:
            item = pending.popleft()
            fut = client.submit(_work, *item, *args, pure=False, key=f"diplokg-{item[1][:16]}-{item[0].id}")
            items[fut.key] = item
            futs.add(fut)
        for _ in range(min(window, len(pending))):
            submit()
        for fut in futs:
            item = items.pop(fut.key)
            try:
                yield fut.result()
            except Exception as exc:  # KilledWorker (the task took down workers) or an internal error
                name = type(exc).__name__
                msg = (_died(item[0], item[1], f"{name}: {exc}").error if name == "KilledWorker" else
                       f"{item[0].text_path}: internal error on the Dask worker: {name}: {exc}")
                yield ArticleResult(item[0].id, ok=False, key=item[1], error=msg)
            fut.release()
            if pending:
                submit()
    finally:
        client.close()


def _files_state(out: Path) -> dict[str, list[int]] | None:
    try:
        return {name: [(st := (out / name).stat()).st_size, st.st_mtime_ns] for name in FILES}
    except OSError:
        return None


def _read_record(path: Path) -> dict:
    """The record of the last publication (see :func:`_record_publication`); empty when there is none."""
    try:
        last = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return last if isinstance(last, dict) else {}


def _unchanged_publication(last: dict, manifest: dict, out: Path) -> dict | None:
    """The record ``last`` if it published exactly these article results (ids and cache keys) and
    its files are untouched since (sizes, modification times)."""
    if not last or {k: last.get(k) for k in manifest} != manifest or last.get("files") != _files_state(out):
        return None
    return last


def _state_path(record: Path) -> Path:
    """Where the :class:`State` that goes with the publication record ``record`` is kept."""
    return record.with_suffix(".state.json")


def _record_publication(path: Path, manifest: dict, out: Path, counts: dict[str, int],
                        conflicts: list[Conflict], state: State | None,
                        published: list[ArticleResult]) -> None:
    """Note what was published (and, for patching it later, its :class:`State`)."""
    state_path = _state_path(path)
    state_path.unlink(missing_ok=True)  # never a state that does not go with the record
    record = {**manifest, "counts": counts, "files": _files_state(out),
              "conflicts": [[c.subject, c.predicate, list(c.values)] for c in conflicts],
              "results": [[r.origin, r.graph, r.triples, r.warnings] for r in published]}
    atomic_write(path, json.dumps(record).encode("utf-8"), sync=False)
    if state is not None:
        atomic_write(state_path, state.to_json(), sync=False)


def _recorded_conflicts(last: dict) -> list[Conflict]:
    """The conflicts of the last publication, from its record (see :func:`_record_publication`)."""
    return [Conflict(c[0], c[1], tuple(c[2])) for c in last.get("conflicts", [])]


def _recorded_results(last: dict, names: set[str]) -> dict[tuple[str, str], ArticleResult]:
    """The published curated articles of the last publication, by (id, cache key), as
    :func:`_cache_get` would give them, read from its record ``last`` instead of one cache entry
    each (only those whose cache entry is complete: ``names`` are the cache's files)."""
    try:
        rows = list(zip(last["parts"], last["results"], strict=True))
    except (ValueError, KeyError, TypeError):  # no record, or one from before "results" was kept
        return {}
    out = {}
    for (aid, key), (origin, graph, triples, warnings) in rows:
        if origin == "curated" and all(f"{key}{ext}" in names for ext in (".json", ".nq", ".trig", ".report")):
            out[(aid, key)] = ArticleResult(aid, True, origin=origin, graph=graph, triples=triples,
                                            warnings=warnings, cached=True, key=key)
    return out


#: Patch the published files instead of rewriting them when at most this share of the articles
#: changed (and at least this many may always be patched): splicing costs a copy of the files,
#: a full publish reads every part and sorts the union again.
PATCH_SHARE, PATCH_MIN = 0.05, 50


def _patched_publication(path: Path, last: dict, manifest: dict, out: Path, m: Minter,
                         parts: list[GraphPart], keys: list[str], cache_dir: Path,
                         conflicts: list[Conflict]) -> tuple[dict[str, int], State] | None:
    """Patch the files of the last publication (record ``last``, at ``path``) into ``out`` (see
    :mod:`pipeline.incremental`) when that is safe and cheaper than publishing in full; None when
    it is not."""
    try:
        state = State.from_json(_state_path(path).read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if last.get("out") != manifest["out"] or last.get("base") != manifest["base"] \
            or last.get("files") != _files_state(out) or last.get("parts") != [p[:2] for p in state.parts]:
        return None
    old_keys = {p[0]: p[1] for p in state.parts}
    new_keys = dict(zip((p.article_id for p in parts), keys))
    gone = [aid for aid, k in old_keys.items() if new_keys.get(aid) != k]
    came = [aid for aid, k in new_keys.items() if old_keys.get(aid) != k]
    if not gone and not came:
        return None
    if len(gone) + len(came) > max(PATCH_MIN, PATCH_SHARE * len(parts)):
        return None
    old_parts = {}
    for aid in gone:
        k = old_keys[aid]
        nq, rep = cache_dir / f"{k}.nq", cache_dir / f"{k}.report"
        if not (nq.exists() and rep.exists()):
            return None
        old_parts[aid] = GraphPart(aid, "", nquads_path=nq, meta_path=rep)
    try:
        return patch(parts, keys, out, m, state, old_parts, _recorded_conflicts(last), conflicts,
                     trash=cache_dir.parent / "replaced")
    except Unpatchable:
        return None


def build_dataset(
    root: Path = DEFAULT_ROOT,
    *,
    out: Path | None = None,
    workers: int = 1,
    base: str | None = None,
    use_cache: bool = True,
    progress: Callable[[Iterable, int], Iterable] | None = None,
    dask: str | None = None,
    shacl_engine: str = "pyshacl",
    publish_progress: Callable[[Iterable, int], Iterable] | None = None,
) -> BuildResult:
    """Build ``data/published`` from ``data/articles``.

    Args:
        root: project root (holds data/, ontology/, shapes/).
        out: output folder (default ``root/data/published``).
        workers: processes for per-article work (1: in this process).
        base: IRI base (default from ``DIPLOKG_BASE`` or the standard base).
        use_cache: reuse per-article results whose inputs did not change.
        progress: wraps the per-article iterator (e.g. tqdm) given (iterable, total).
        dask: address of a Dask scheduler to run the per-article work on instead of local processes.
        shacl_engine: ``"pyshacl"`` (the reference) or ``"turbo"`` (pyshacl-turbo, cross-checked).
        publish_progress: like ``progress``, for the publish pass over the article graphs.

    Returns:
        What was published and what was quarantined; the files are written atomically.

    Raises:
        UsageError: no articles folder, an unknown engine, an unreachable Dask scheduler.
    """
    t0 = time.perf_counter()
    if shacl_engine not in SHACL_ENGINES:
        raise UsageError(f"unknown SHACL engine {shacl_engine!r}; expected one of: {', '.join(SHACL_ENGINES)}")
    if shacl_engine != "pyshacl":
        from pipeline.validate import engine_available
        engine_available(shacl_engine)
    root = Path(root).resolve()
    m = Minter(base) if base else default_minter()
    out = out or root / "data" / "published"
    qdir = root / "data" / "quarantine"
    cache_dir = root / ".diplokg-cache" / "articles"
    cache_dir.mkdir(parents=True, exist_ok=True)
    inputs = _scan(root / "data" / "articles")
    env = environment_key(root, m.base, shacl_engine)
    results: dict[str, ArticleResult] = {}
    todo: list[tuple[ArticleInput, str]] = []
    out_id = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:16]
    manifest_path = cache_dir.parent / f"published-{out_id}.json"
    hashes = FileHashes(cache_dir.parent / "hashes.json")  # file hashes, not results: --no-cache too
    cached_names = set(os.listdir(cache_dir))
    last_record = _read_record(manifest_path)
    recorded = _recorded_results(last_record, cached_names) if use_cache else {}
    keys: set[str] = set()
    for aid, txt, yml in inputs:
        key = _key(txt, yml, env, hashes)
        keys.add(key)
        hit = recorded.get((aid, key)) or (_cache_get(cache_dir, key) if use_cache else None)
        if hit is not None:
            results[aid] = hit
        else:
            todo.append((ArticleInput(aid, Path(txt), Path(yml) if yml else None), key))
    hashes.save()
    # what stays in memory through the build is small per article: the inputs of the articles to
    # do, a light result per article; the cache entries no article uses any more are deleted at the
    # end (not before: patching the published files reads the old parts of changed articles)
    n_inputs = len(inputs)
    stale = [n for n in cached_names if n[:64] not in keys]
    del inputs, hashes, cached_names, recorded, keys
    wrap = progress or (lambda it, total: it)
    args = (root, m.base, shacl_engine, cache_dir)
    stage = dict.fromkeys(STAGES, 0.0)
    processed_triples = 0
    worker_rss = 0.0
    t_articles = time.perf_counter()
    marker_dir = cache_dir.parent / f"running-{os.getpid()}"
    try:
        if dask:
            stream: Iterable[ArticleResult] = _run_dask(todo, dask, args)
        elif workers > 1 and len(todo) > 1:
            marker_dir.mkdir(parents=True, exist_ok=True)
            if multiprocessing.get_start_method() == "fork":
                _warm_up(root, m.base, shacl_engine)
            stream = _run_pool(todo, workers, args, marker_dir)
        else:
            stream = (_work(inp, key, *args) for inp, key in todo)
        for r in wrap(stream, len(todo)):
            results[r.id] = r
            for s, sec in zip(STAGES, r.seconds):
                stage[s] += sec
            processed_triples += r.triples
            worker_rss = max(worker_rss, r.worker_rss_mb)
    finally:
        shutil.rmtree(marker_dir, ignore_errors=True)
        if dask or (workers > 1 and len(todo) > 1):  # articles ran in other processes
            for name in os.listdir(cache_dir):  # temporaries left by a worker that died mid-write
                if name.startswith(".") and name.endswith(".tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(cache_dir, name))
    stage["articles"] = time.perf_counter() - t_articles
    res = BuildResult(reused=n_inputs - len(todo), processed_triples=processed_triples,
                      worker_rss_mb=worker_rss)
    for aid in sorted(results):
        r = results[aid]
        (res.published if r.ok else res.quarantined).append(r)
    cd = str(cache_dir)  # str paths: 30k Path objects would cost 0.2 s at 10k articles
    parts = [GraphPart(r.id, r.graph, triples=r.triples, nquads_path=f"{cd}/{r.key}.nq",
                       meta_path=f"{cd}/{r.key}.report", trig_path=f"{cd}/{r.key}.trig")
             for r in res.published]
    t_pub = time.perf_counter()
    manifest = {"out": str(Path(out).resolve()), "base": m.base, "parts": [[r.id, r.key] for r in res.published]}
    last = _unchanged_publication(last_record, manifest, Path(out))
    if last is None:
        keys = [r.key for r in res.published]
        patched = _patched_publication(manifest_path, last_record, manifest, Path(out), m, parts, keys,
                                       cache_dir, res.conflicts) if use_cache else None
        if patched is not None:
            res.counts, state = patched
            res.patched = True
        else:
            res.conflicts.clear()
            pstate: dict = {}
            res.counts = publish(parts, out, m, progress=publish_progress, conflicts=res.conflicts,
                                 state=pstate, trash=cache_dir.parent / "replaced")
            state = State(parts=[[r.id, r.key, *size] for r, size in zip(res.published, pstate["sizes"])],
                          trig_head=pstate["trig_head"], triples=res.counts["triples"],
                          subjects=pstate["subjects"], entities=pstate["entities"],
                          union_shared=pstate["union_shared"], report_shared=pstate["report_shared"])
        _record_publication(manifest_path, manifest, Path(out), res.counts, res.conflicts, state,
                            res.published)
    else:  # the same article results as the files there, untouched since: nothing to write
        res.counts = last["counts"]
        res.conflicts = _recorded_conflicts(last)
    stage["publish"] = time.perf_counter() - t_pub
    res.stage_seconds = stage
    for r in res.quarantined:
        quarantine(qdir, r)
    if qdir.exists():  # articles that pass now leave quarantine
        ok_ids = {r.id for r in res.published}
        for d in qdir.iterdir():
            if d.name in ok_ids:
                shutil.rmtree(d)
    _prune(cache_dir, stale, {r.key for r in (*res.published, *res.quarantined)})
    res.seconds = time.perf_counter() - t0
    return res


_ENTRY = re.compile(r"[0-9a-f]{64}\.(?:json|nq|trig|report)")


def _prune(cache_dir: Path, names: Iterable[str], keep: set[str]) -> None:
    """Delete the cache entries of results this build did not use (older versions of articles,
    of the code, the shapes...): without this the cache grows by a whole corpus at every change of
    the code. The entries of the results just published stay (a later build patches from them)."""
    for name in names:
        if name[:64] not in keep and _ENTRY.fullmatch(name):
            try:
                os.unlink(os.path.join(cache_dir, name))
            except FileNotFoundError:
                pass
