"""Helpers shared by the subcommands (paths, progress bars)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from pipeline.build import DEFAULT_ROOT


def add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=Path, default=Path(os.environ.get("DIPLOKG_ROOT", DEFAULT_ROOT)),
                   help="project folder holding data/, ontology/ and shapes/ (env DIPLOKG_ROOT)")


def progress(desc: str, quiet: bool = False):
    """A tqdm wrapper for long work; silent when not on a terminal or ``quiet``."""
    def wrap(it: Iterable, total: int) -> Iterable:
        if quiet or total < 2:
            return it
        from tqdm import tqdm
        return tqdm(it, total=total, desc=desc, unit="article", file=sys.stderr,
                    disable=None, dynamic_ncols=True)
    return wrap
