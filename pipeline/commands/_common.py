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
        # count, rate and ETA: "build  42%|####      | 4200/10000 [00:31<00:43, 135.2 article/s]"
        return tqdm(it, total=total, desc=desc, unit="article", file=sys.stderr, disable=None,
                    dynamic_ncols=True, smoothing=0.1,
                    bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                               "[{elapsed}<{remaining}, {rate_fmt}]")
    return wrap
