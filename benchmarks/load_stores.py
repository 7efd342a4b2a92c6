"""Time ``diplokg load`` into real stores started on loopback: Oxigraph server, and Virtuoso when installed.

Usage::

    .venv/bin/python benchmarks/load_stores.py [DATASET_DIR_OR_NQ] [--copies K]

DATASET defaults to data/published. ``--copies K`` loads every graph K times under K graph IRIs (``…-copy<i>``),
for a bigger load than the bundled corpus. Prints, per store: server start-up, first load (all graphs PUT + verified),
a second full load (replaces), and an ``--only-changed`` load with nothing changed. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from pipeline import load as L

ROOT = Path(__file__).resolve().parent.parent
VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} not ready")


def bench(name: str, cmd: list[str], ready: str, kw: dict[str, object], graphs: list[L.GraphData],
          tmp: Path) -> None:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
    try:
        wait(ready, proc)
        print(f"{name}: server ready in {time.perf_counter() - t0:.2f} s")
        state = tmp / f"{name}-state.json"
        for label, only in (("first load", False), ("second load", False), ("--only-changed, nothing changed", True)):
            s = L.load(graphs, state_path=state, only_changed=only, progress=False, **kw)  # type: ignore[arg-type]
            print(f"{name}: {label}: {s.graphs_put} graphs, {s.triples_put} triples, {s.requests} requests, "
                  f"{s.seconds:.2f} s, verified {'ok' if s.ok else 'MISMATCH'}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", nargs="?", type=Path, default=ROOT / "data" / "published")
    ap.add_argument("--copies", type=int, default=1, help="load each graph this many times under distinct IRIs")
    args = ap.parse_args()
    graphs = L.read_dataset(args.dataset)
    if args.copies > 1:
        graphs = [L.GraphData(f"{g.name}-copy{i}", g.triples, g.sha256) for i in range(args.copies) for g in graphs]
    print(f"dataset: {len(graphs)} graphs, {sum(len(g) for g in graphs)} triples")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        port = free_port()
        oxi = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
        if oxi:
            base = f"http://127.0.0.1:{port}"
            bench("oxigraph", [oxi, "serve", "--location", str(tmp / "oxi"), "--bind", f"127.0.0.1:{port}"],
                  base + "/query", {"store": base + "/store"}, graphs, tmp)
        virtuoso = shutil.which("virtuoso-t")
        if virtuoso:
            d = tmp / "virtuoso"
            d.mkdir()
            http, isql = free_port(), free_port()
            (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=d, http=http, isql=isql))
            base = f"http://127.0.0.1:{http}"
            bench("virtuoso", [virtuoso, "-f", "-c", str(d / "virtuoso.ini")], base + "/sparql",
                  {"store": base + "/sparql-graph-crud-auth",
                   "credentials": L.Credentials(user="dba", password="dba", scheme="digest")}, graphs, d)
        else:
            print("virtuoso: virtuoso-t not installed (apt-get install virtuoso-opensource-7-bin)")


if __name__ == "__main__":
    main()
