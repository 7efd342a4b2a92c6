"""Build benchmark: diplokg build at 1k / 10k articles, side by side with loading its output.

Prints a table (and optionally writes JSON) with, on one generated corpus:

* the whole build (facts -> link -> map -> SHACL -> publish) with ``--workers`` processes and the
  turbo SHACL engine: wall time, articles/s, quads/s (triples of the article graphs) and distinct
  triples/s; CPU time per stage (summed over the workers) and the publish pass;
* pyshacl (the reference engine) on a sample of the corpus, for the per-article SHACL cost;
* peak memory (max RSS) of the build's main process and of its largest worker;
* a rebuild with nothing changed, and an incremental rebuild after touching one article,
  timed as a user sees them (``diplokg build`` in a fresh process, start-up included);
* ``oxigraph load`` (the PyPI ``oxigraph`` CLI) of ``dataset.nq`` into a fresh store, and rdflib
  parsing ``dataset.nq`` into a ``Dataset``: the time a user pays to load the published files.

Usage::

    python -m benchmarks.build_bench --quick            # 1k articles (a few minutes on 2 cores)
    python -m benchmarks.build_bench                    # 10k articles
    python -m benchmarks.build_bench --articles 2000 --workers 2 --json bench.json

Everything runs in subprocesses so that memory and start-up are measured as a user pays them.
Nothing here asserts a speed: the figures are printed (benchmarks/README.md keeps the last ones).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _mb(kb: int) -> float:
    return kb / 1024.0


# --------------------------------------------------------------------------- child processes


def _pss_kb(pid: int) -> int:
    """Proportional set size of a process (Linux): its private pages plus its share of the shared ones."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children", "rb") as fh:
                kids = [int(x) for x in fh.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


class _PeakPss:
    """Samples the summed PSS of this process and its descendants (the workers) every 0.25 s: the
    memory the whole build holds at once, counting the pages the forked workers share with this
    process once (RSS counts them in every process)."""

    def __init__(self) -> None:
        import threading
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.available = Path(f"/proc/{os.getpid()}/smaps_rollup").exists()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.25):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in [me, *_descendants(me)]))

    def __enter__(self) -> "_PeakPss":
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()


def child_build(root: Path, workers: int, engine: str, use_cache: bool) -> dict:
    """Run one build in this process; return its figures (for ``--child-build``)."""
    from pipeline.build import build_dataset
    t = time.perf_counter()
    with _PeakPss() as pss:
        res = build_dataset(root, workers=workers, shacl_engine=engine, use_cache=use_cache)
    wall = time.perf_counter() - t
    return {
        "peak_total_pss_mb": pss.peak_kb / 1024 if pss.available else None,
        "wall": wall, "articles": len(res.published) + len(res.quarantined),
        "published": len(res.published), "quarantined": len(res.quarantined), "reused": res.reused,
        "patched": res.patched, "counts": res.counts, "stage_seconds": res.stage_seconds, "processed_triples": res.processed_triples,
        "main_maxrss_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "worker_maxrss_mb": res.worker_rss_mb,  # measured in the workers (getrusage RUSAGE_SELF)
        "children_maxrss_mb": _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
    }


def child_rdflib(path: Path) -> dict:
    """Parse ``path`` (N-Quads) with rdflib into a Dataset (for ``--child-rdflib``)."""
    from rdflib import Dataset
    t = time.perf_counter()
    ds = Dataset()
    ds.parse(path, format="nquads")
    n = len(ds)  # noqa: F841 - forces nothing lazy, but keeps the object alive to here
    quads = sum(1 for _ in ds.quads())
    return {"wall": time.perf_counter() - t, "quads": quads,
            "maxrss_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)}


def _run_child(*args: str) -> dict:
    proc = subprocess.run([PY, "-m", "benchmarks.build_bench", *args], capture_output=True, text=True,
                          cwd=PROJECT)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(args)}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _cli_build(root: Path, workers: int, engine: str) -> float:
    """Wall time of ``diplokg build`` as a user runs it (fresh interpreter)."""
    t = time.perf_counter()
    proc = subprocess.run([PY, "-m", "pipeline.cli", "build", "--root", str(root), "--workers", str(workers),
                           "--shacl-engine", engine, "-q"], capture_output=True, text=True, cwd=PROJECT)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"diplokg build failed:\n{proc.stdout}\n{proc.stderr}")
    return wall


def child_oxigraph(nq: Path, store: Path) -> dict:
    """``oxigraph load`` of ``nq`` into a fresh store at ``store`` (for ``--child-oxigraph``)."""
    exe = shutil.which("oxigraph") or str(Path(PY).parent / "oxigraph")
    if not Path(exe).exists():
        return {"error": "oxigraph CLI not installed (pip install oxigraph)"}
    shutil.rmtree(store, ignore_errors=True)
    t = time.perf_counter()
    proc = subprocess.run([exe, "load", "--location", str(store), "--file", str(nq)], capture_output=True, text=True)
    wall = time.perf_counter() - t
    shutil.rmtree(store, ignore_errors=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-300:]}
    return {"wall": wall, "maxrss_mb": _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)}


# --------------------------------------------------------------------------- the benchmark


def _corpus(n: int, dest: Path, seed: int) -> float:
    from benchmarks.corpus import generate, prepare_root
    stamp = dest / ".corpus"
    want = f"{n} {seed}"
    if stamp.exists() and stamp.read_text() == want:
        prepare_root(dest)  # the project's current ontology, shapes and Wikidata cache
        return 0.0
    shutil.rmtree(dest, ignore_errors=True)
    t = time.perf_counter()
    generate(n, dest, seed)
    stamp.write_text(want)
    return time.perf_counter() - t


def _sample(src: Path, dest: Path, k: int) -> None:
    from benchmarks.corpus import prepare_root
    shutil.rmtree(dest, ignore_errors=True)
    prepare_root(dest)
    adir = dest / "data" / "articles"
    adir.mkdir(parents=True)
    for txt in sorted((src / "data" / "articles").glob("*.txt"))[:k]:
        shutil.copy(txt, adir / txt.name)
        shutil.copy(txt.with_suffix(".yaml"), adir / txt.with_suffix(".yaml").name)


def run(n: int, workers: int, base_dir: Path, seed: int, pyshacl_sample: int, rdflib: bool,
        oxigraph: bool = True) -> dict:
    corpus = base_dir / f"corpus-{n}"
    gen = _corpus(n, corpus, seed)
    shutil.rmtree(corpus / ".diplokg-cache", ignore_errors=True)
    shutil.rmtree(corpus / "data" / "published", ignore_errors=True)
    out: dict = {"articles": n, "workers": workers, "seed": seed, "corpus_generation_s": gen,
                 "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                 "load_average_at_start": os.getloadavg()}
    print(f"[bench] full build of {n} articles (turbo, {workers} workers)...", file=sys.stderr)
    out["build_turbo"] = _run_child("--child-build", str(corpus), str(workers), "turbo", "nocache")
    print("[bench] rebuild with nothing changed / after touching one article...", file=sys.stderr)
    out["noop_rebuild_cli_s"] = _cli_build(corpus, workers, "turbo")
    touched = corpus / "data" / "articles" / "bench-000001.txt"
    original = touched.read_bytes()
    touched.write_bytes(original + b"\nA later paragraph.\n")
    out["incremental_cli_s"] = _cli_build(corpus, workers, "turbo")
    touched.write_bytes(original + b"\nA later paragraph, edited again.\n")
    out["incremental_build"] = _run_child("--child-build", str(corpus), str(workers), "turbo", "cache")
    touched.write_bytes(original)
    _cli_build(corpus, workers, "turbo")  # back to the published state of the corpus
    if pyshacl_sample:
        k = min(pyshacl_sample, n)
        sample = base_dir / f"sample-{k}"
        _sample(corpus, sample, k)
        print(f"[bench] pyshacl on a sample of {k} articles, and turbo on the same...", file=sys.stderr)
        out["sample_pyshacl"] = _run_child("--child-build", str(sample), str(workers), "pyshacl", "nocache")
        out["sample_turbo"] = _run_child("--child-build", str(sample), str(workers), "turbo", "nocache")
    nq = corpus / "data" / "published" / "dataset.nq"
    out["files_mb"] = {f.name: f.stat().st_size / 1e6 for f in sorted((corpus / "data" / "published").iterdir())}
    if oxigraph:
        print("[bench] oxigraph load of dataset.nq...", file=sys.stderr)
        out["oxigraph_load"] = _run_child("--child-oxigraph", str(nq), str(base_dir / "oxigraph-store"))
    if rdflib:
        print("[bench] rdflib parse of dataset.nq...", file=sys.stderr)
        out["rdflib_parse"] = _run_child("--child-rdflib", str(nq))
    return out


def table(r: dict) -> str:
    """The figures as a plain-text table."""
    b = r["build_turbo"]
    quads, distinct = b["counts"]["quads"], b["counts"]["triples"]
    st = b["stage_seconds"]
    n = b["articles"]
    rows = [("step", "wall s", "articles/s", "quads/s", "peak RSS MB", "note")]

    def add(step: str, wall: float | None, arts: float | None = None, q: float | None = None,
            rss: str = "", note: str = "") -> None:
        rows.append((step, f"{wall:.1f}" if wall is not None else "-",
                     f"{arts:,.0f}" if arts else "-", f"{q:,.0f}" if q else "-", rss, note))

    pss = f"; {b['peak_total_pss_mb']:.0f} all (PSS)" if b.get("peak_total_pss_mb") else ""
    add(f"build {n} articles (turbo, {r['workers']} workers)", b["wall"], n / b["wall"], quads / b["wall"],
        f"{b['main_maxrss_mb']:.0f} main / {b['worker_maxrss_mb']:.0f} worker{pss}",
        f"{quads:,} quads, {distinct:,} distinct triples ({distinct / b['wall']:,.0f}/s)")
    cpu = sum(st.get(s, 0) for s in ("facts", "link", "map", "validate", "serialize"))
    for s in ("facts", "link", "map", "validate", "serialize"):
        sec = st.get(s, 0)
        add(f"  stage {s} (CPU, all workers)", sec, n / sec if sec else None, quads / sec if sec else None,
            note=f"{100 * sec / cpu:.0f}% of per-article CPU, {1000 * sec / n:.2f} ms/article")
    add("  publish (main process)", st.get("publish"), n / st["publish"], quads / st["publish"],
        note="nq + trig + union ttl (external sort) + void + report")
    add("no-op rebuild (CLI, start-up included)", r["noop_rebuild_cli_s"], note="every article from the cache")
    ib = r["incremental_build"]
    add("incremental rebuild, 1 article touched (CLI)", r["incremental_cli_s"],
        rss=f"{ib['main_maxrss_mb']:.0f} main",
        note=f"in-process {ib['wall']:.2f} s: {ib['reused']} reused, publish {ib['stage_seconds'].get('publish', 0):.2f} s"
             f" ({'patched' if ib.get('patched') else 'rewritten'})")
    for key, label in (("sample_pyshacl", "pyshacl"), ("sample_turbo", "turbo")):
        if key in r:
            s = r[key]
            v = s["stage_seconds"].get("validate", 0)
            add(f"sample {s['articles']} articles, {label}", s["wall"], s["articles"] / s["wall"],
                s["counts"]["quads"] / s["wall"],
                note=f"SHACL {1000 * v / s['articles']:.1f} ms/article CPU = "
                     f"{s['processed_triples'] / v if v else 0:,.0f} triples/s per core")
    ox = r.get("oxigraph_load", {})
    if "wall" in ox:
        add("oxigraph load dataset.nq", ox["wall"], None, quads / ox["wall"], f"{ox['maxrss_mb']:.0f}",
            f"build / load = {b['wall'] / ox['wall']:.1f}x")
    else:
        rows.append(("oxigraph load dataset.nq", "-", "-", "-", "", ox.get("error", "not run")))
    rd = r.get("rdflib_parse")
    if rd:
        add("rdflib parse dataset.nq (Dataset)", rd["wall"], None, rd["quads"] / rd["wall"],
            f"{rd['maxrss_mb']:.0f}", f"build / parse = {b['wall'] / rd['wall']:.1f}x")
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = ["  ".join(c.ljust(w) if i in (0, 5) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    files = ", ".join(f"{k} {v:.1f} MB" for k, v in r["files_mb"].items())
    return "\n".join(lines + ["", f"published files: {files}",
                              f"machine: {r['machine']}; load average at start {r['load_average_at_start'][0]:.1f}"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.build_bench", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--quick", action="store_true", help="1k articles instead of 10k")
    p.add_argument("--articles", type=int, default=None, help="corpus size (overrides --quick)")
    p.add_argument("--workers", type=int, default=2, help="build worker processes")
    p.add_argument("--dir", type=Path, default=Path("/tmp/diplokg-bench"), help="scratch folder (corpora, stores)")
    p.add_argument("--seed", type=int, default=0, help="corpus seed")
    p.add_argument("--pyshacl-sample", type=int, default=200, help="articles validated with pyshacl (0: skip)")
    p.add_argument("--no-rdflib", action="store_true", help="skip the rdflib parse (slow and memory-hungry)")
    p.add_argument("--no-oxigraph", action="store_true", help="skip oxigraph load (at 100k: minutes and GBs)")
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    p.add_argument("--child-build", nargs=4, metavar=("ROOT", "WORKERS", "ENGINE", "CACHE"), help=argparse.SUPPRESS)
    p.add_argument("--child-rdflib", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--child-oxigraph", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child_build:
        root, workers, engine, cache = args.child_build
        print(json.dumps(child_build(Path(root), int(workers), engine, cache == "cache")))
        return 0
    if args.child_oxigraph:
        print(json.dumps(child_oxigraph(*args.child_oxigraph)))
        return 0
    if args.child_rdflib:
        print(json.dumps(child_rdflib(args.child_rdflib)))
        return 0
    n = args.articles or (1000 if args.quick else 10000)
    args.dir.mkdir(parents=True, exist_ok=True)
    r = run(n, args.workers, args.dir, args.seed, args.pyshacl_sample, not args.no_rdflib, not args.no_oxigraph)
    if args.json:  # first: a mistake in the table must not lose the figures
        args.json.write_text(json.dumps(r, indent=2))
    print(table(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
