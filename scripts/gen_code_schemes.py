#!/usr/bin/env python3
"""Generate the CAMEO and PLOVER SKOS concept schemes: ``ontology/cameo.ttl``, ``ontology/plover.ttl``.

Inputs (read at run time, never copied into the repository):

* ``../shared/vocabularies/cameo-eventcodes.tsv``: CAMEO 1.1b3 codes and labels (``code<TAB>label``);
  one-digit rows are GDELT's four quad classes, two-digit rows the twenty root codes.
* ``../shared/benchmarks/plover-gsr/CAMEO2PLOVER-2021.txt``: the CAMEO-to-PLOVER crosswalk
  (PLOVER manual draft 0.8, 2021; lines ``CODE: TYPE, mode, context # comment``).

Output is deterministic (concepts sorted by code, properties in a fixed order) and written
atomically. The generated Turtle is the project's own and is committed; ``--check`` exits 1 if the
committed files differ from what the inputs give.

Modelling choices:

* CAMEO concept ``cameo:<code>`` (``<base>ontology/cameo#042``), ``rdf:type skos:Concept, dip:CameoCode``
  (and ``owl:NamedIndividual``: OWL 2 DL declarations, which also make SHACL tools that mix the ontology
  into the data graph, such as pyshacl's ``ont_graph``, copy the concepts so ``sh:class`` can see them),
  ``skos:notation``, ``skos:prefLabel``@en, ``skos:inScheme``; ``skos:broader`` is the code minus its
  last digit (``0311 -> 031 -> 03``); the twenty roots are ``skos:topConceptOf`` the scheme.
* The four quad classes are ``skos:Collection`` nodes ``cameo:quad1``..``cameo:quad4`` whose members are
  root codes by the GDELT/Phoenix convention (01-05 verbal cooperation, 06-08 material cooperation,
  09-13 verbal conflict, 14-20 material conflict); the TSV's row order is not used for this.
* Crosswalk: a code the crosswalk maps to exactly one PLOVER type gets ``skos:closeMatch`` to it; a code
  it maps to several types (root 08 YIELD: CONCEDE and RETREAT) gets ``skos:relatedMatch`` to each.
  Roots 01 and 02 (and their codes) have no PLOVER type; their roots say so in a ``skos:scopeNote``.
  Crosswalk codes absent from the codebook (1213, 1214) are reported on stderr and skipped.

Usage::

    python scripts/gen_code_schemes.py [--shared ../shared] [--out ontology] [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared"
TSV_REL = Path("vocabularies/cameo-eventcodes.tsv")
CROSSWALK_REL = Path("benchmarks/plover-gsr/CAMEO2PLOVER-2021.txt")

BASE = "https://w3id.org/diplokg/"
CAMEO_NS = BASE + "ontology/cameo#"
PLOVER_NS = BASE + "ontology/plover#"
CAMEO_SCHEME = BASE + "ontology/cameo"
PLOVER_SCHEME = BASE + "ontology/plover"

#: PLOVER 2021 event types with definitions written for diplokg (paraphrasing the PLOVER manual's scope).
PLOVER_TYPES: dict[str, tuple[str, str]] = {
    "AGREE": ("Agree", "An actor expresses an intent, willingness, offer or commitment to cooperate with, "
              "give something to, or settle with the target, without the cooperation yet taking place."),
    "CONSULT": ("Consult", "Actors meet, visit one another, telephone or otherwise hold discussions, "
                "negotiations or mediation, without a reported outcome."),
    "SUPPORT": ("Support", "An actor gives verbal or diplomatic support to the target: praise, endorsement, "
                "verbal defence, rallying support, diplomatic recognition, apology, forgiveness or the "
                "signing of a formal agreement."),
    "CONCEDE": ("Concede", "An actor yields to the target's wishes by easing administrative restrictions or "
                "political dissent, or by acceding to demands for political reform, leadership or policy change."),
    "COOPERATE": ("Cooperate", "Actors engage in material cooperation beyond words: economic, military, "
                  "judicial or intelligence cooperation."),
    "AID": ("Aid", "An actor provides material aid to the target: economic, military or humanitarian aid, "
            "military protection or peacekeeping, or asylum."),
    "RETREAT": ("Retreat", "An actor backs away from a confrontational position: releases persons or property, "
                "eases sanctions or emergency measures, allows international access or inspection, declares "
                "a ceasefire, withdraws or demobilises forces."),
    "REQUEST": ("Request", "An actor asks or demands that the target do something: cooperate, provide aid, "
                "change leadership, policy or institutions, yield, meet, settle or accept mediation."),
    "ACCUSE": ("Accuse", "An actor disapproves of, criticises, denounces, accuses, complains officially about, "
               "sues or investigates the target."),
    "REJECT": ("Reject", "An actor refuses a request, proposal, plan or demand, declines to yield, rejects "
               "mediation, defies norms or law, or vetoes."),
    "THREATEN": ("Threaten", "An actor threatens the target with non-violent measures (reduced relations, "
                 "sanctions, restrictions) or with violence and military force unless it complies."),
    "PROTEST": ("Protest", "Actors engage in political dissent: demonstrations, rallies, hunger strikes, "
                "strikes and boycotts, obstruction, or violent protest and riots."),
    "SANCTION": ("Sanction", "An actor reduces relations with the target: breaks or downgrades diplomatic "
                 "relations, reduces or stops aid, halts negotiations or mediation, expels or withdraws "
                 "personnel."),
    "MOBILIZE": ("Mobilize", "An actor increases the alert status of, or mobilises, police or armed forces "
                 "without using them against the target."),
    "COERCE": ("Coerce", "An actor uses non-lethal coercion or repression: seizes or damages property, imposes "
               "administrative sanctions, bans, curfews, martial law, embargoes or blockades, arrests or "
               "deports people, occupies territory."),
    "ASSAULT": ("Assault", "An actor uses physical violence: unconventional violence such as abduction, "
                "bombing or assassination, conventional military force, or mass violence."),
}

#: PLOVER 0.5 names still used in the gold-standard records -> (label, 2021 successor, history note).
PLOVER_DEPRECATED: dict[str, tuple[str, str, str]] = {
    "DEMAND": ("Demand", "REQUEST", "PLOVER 0.5 type; renamed REQUEST in PLOVER 2021 (CAMEO root 10)."),
    "DISAPPROVE": ("Disapprove", "ACCUSE", "PLOVER 0.5 type; merged into ACCUSE in PLOVER 2021, where "
                   "disapproval is the mode 'disapprove' (CAMEO root 11)."),
    "FIGHT": ("Fight", "ASSAULT", "PLOVER 0.5 type; merged into ASSAULT in PLOVER 2021 (CAMEO root 19, "
              "conventional military force)."),
    "INVESTIGATE": ("Investigate", "ACCUSE", "PLOVER 0.5 type; merged into ACCUSE in PLOVER 2021, where "
                    "investigation is the mode 'investigate' (CAMEO root 09)."),
}

#: GDELT quad classes: code -> root codes (GDELT/Phoenix convention).
QUAD_ROOTS: dict[str, range] = {"1": range(1, 6), "2": range(6, 9), "3": range(9, 14), "4": range(14, 21)}

NO_PLOVER_NOTE = ("PLOVER 2021 has no event type for this CAMEO root: the CAMEO-to-PLOVER crosswalk "
                  "omits roots 01 and 02 and all their codes.")
SPLIT_NOTE = ("The CAMEO-to-PLOVER crosswalk splits this root over several PLOVER types "
              "(skos:relatedMatch); its codes each have one (skos:closeMatch).")

PREFIXES = """@prefix cameo: <https://w3id.org/diplokg/ontology/cameo#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dip: <https://w3id.org/diplokg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix plover: <https://w3id.org/diplokg/ontology/plover#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


class InputFormatError(Exception):
    """An input file does not have the expected format (message names file and line)."""


def lit(text: str, lang: str | None = "en") -> str:
    """A Turtle string literal, escaped: ``lit('a "b"')`` -> ``'"a \\\\"b\\\\""@en'``."""
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{esc}"' + (f"@{lang}" if lang else "")


def read_codes(path: Path) -> dict[str, str]:
    """Read the CAMEO codebook TSV: ``{code: label}`` (header row ``code<TAB>label`` required).

    Raises:
        InputFormatError: a row is not ``digits<TAB>label`` or a code repeats.
    """
    codes: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != ["code", "label"]:
        raise InputFormatError(f"{path}:1: expected header 'code<TAB>label'")
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not re.fullmatch(r"\d{1,4}", parts[0]) or not parts[1].strip():
            raise InputFormatError(f"{path}:{n}: expected 'code<TAB>label', found {line!r}")
        if parts[0] in codes:
            raise InputFormatError(f"{path}:{n}: code {parts[0]} repeated")
        codes[parts[0]] = parts[1].strip()
    return codes


def read_crosswalk(path: Path) -> dict[str, set[str]]:
    """Read the CAMEO-to-PLOVER crosswalk: ``{cameo code: {PLOVER types}}``.

    Comment lines (``#``), blank lines and the ``~~~~~`` end marker are skipped.

    Raises:
        InputFormatError: a line is neither of those nor ``CODE: TYPE...``.
    """
    out: dict[str, set[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#") or set(s) == {"~"}:
            continue
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\b", s)
        if not m:
            raise InputFormatError(f"{path}:{n}: expected 'CODE: PLOVERTYPE, ...', found {line!r}")
        out.setdefault(m.group(1), set()).add(m.group(2))
    return out


def read_crosswalk_modes(path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The crosswalk's PLOVER mode and contexts per code: ``{code: (mode, (context, ...))}``.

    Lines read ``CODE: TYPE, mode, context; context # comment``; empty fields are empty.
    Codes the crosswalk splits over several types (root 08) keep no mode or context.
    """
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    split: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,]*))?(?:,(.*))?$", s)
        if not m:
            continue
        code = m.group(1)
        mode = (m.group(3) or "").strip()
        contexts = tuple(c.strip() for c in (m.group(4) or "").split(";") if c.strip())
        if code in out:
            split.add(code)
        out[code] = (mode, contexts)
    return {c: v for c, v in out.items() if c not in split}


def parent(code: str) -> str | None:
    """``'0311'`` -> ``'031'``, ``'040'`` -> ``'04'``, roots -> None."""
    return code[:-1] if len(code) > 2 else None


def _block(subject: str, pairs: Iterable[tuple[str, str]]) -> str:
    items = list(pairs)
    body = " ;\n".join(f"    {p} {o}" for p, o in items)
    return f"{subject}\n{body} .\n"


def cameo_ttl(codes: dict[str, str], crosswalk: dict[str, set[str]],
              modes: dict[str, tuple[str, tuple[str, ...]]] | None = None) -> str:
    """The CAMEO concept scheme as Turtle (deterministic)."""
    roots = sorted(c for c in codes if len(c) == 2)
    concepts = sorted(c for c in codes if len(c) >= 2)
    quads = sorted(c for c in codes if len(c) == 1)
    out = [PREFIXES, "# Generated by scripts/gen_code_schemes.py from the CAMEO codebook and the 2021 "
           "CAMEO-to-PLOVER crosswalk. Do not edit.\n"]
    out.append(_block(f"<{CAMEO_SCHEME}>", [
        ("a", "skos:ConceptScheme"),
        ("dcterms:title", lit("CAMEO event codes")),
        ("dcterms:description", lit(
            "The event codes of the Conflict and Mediation Event Observations (CAMEO) codebook, "
            "version 1.1b3, as a SKOS concept scheme, with the four GDELT quad classes as collections "
            "and the CAMEO-to-PLOVER 2021 crosswalk as SKOS mapping relations.")),
        ("dcterms:source", lit("Schrodt, P. A. (2012). CAMEO Conflict and Mediation Event Observations "
                               "Event and Actor Codebook, version 1.1b3. Code list as distributed with "
                               "GDELT 2.0 (CAMEO.eventcodes.txt).", None)),
        ("dcterms:bibliographicCitation", lit(
            "Crosswalk: CAMEO to PLOVER conversion table, PLOVER manual draft 0.8 (2021), Open Event "
            "Data Alliance, CC BY-SA 4.0.", None)),
        ("dcterms:license", "<https://creativecommons.org/licenses/by/4.0/>"),
        ("owl:versionInfo", lit("0.1.0", None)),
        ("skos:hasTopConcept", ", ".join(f"cameo:{c}" for c in roots)),
    ]))
    for q in quads:
        members = [f"cameo:{r:02d}" for r in QUAD_ROOTS[q] if f"{r:02d}" in codes]
        out.append(_block(f"cameo:quad{q}", [
            ("a", "skos:Collection"),
            ("skos:notation", lit(q, None)),
            ("skos:prefLabel", lit(codes[q])),
            ("skos:definition", lit(f"GDELT quad class {q} ({codes[q]}): CAMEO root codes "
                                    f"{QUAD_ROOTS[q][0]:02d} to {QUAD_ROOTS[q][-1]:02d}.")),
            ("skos:member", ", ".join(members)),
        ]))
    for c in concepts:
        pairs = [("a", "owl:NamedIndividual, skos:Concept, dip:CameoCode"), ("skos:notation", lit(c, None)),
                 ("skos:prefLabel", lit(codes[c])), ("skos:inScheme", f"<{CAMEO_SCHEME}>")]
        p = parent(c)
        if p is not None:
            if p not in codes:
                raise InputFormatError(f"code {c}: parent code {p} missing from the codebook")
            pairs.append(("skos:broader", f"cameo:{p}"))
        else:
            pairs.append(("skos:topConceptOf", f"<{CAMEO_SCHEME}>"))
        types = sorted(crosswalk.get(c, ()))
        if len(types) == 1:
            pairs.append(("skos:closeMatch", f"plover:{types[0]}"))
            mode, contexts = (modes or {}).get(c, ("", ()))
            if mode:
                pairs.append(("dip:ploverMode", lit(mode, None)))
            if contexts:
                pairs.append(("dip:ploverContext", ", ".join(lit(x, None) for x in sorted(contexts))))
        elif types:
            pairs.append(("skos:relatedMatch", ", ".join(f"plover:{t}" for t in types)))
            pairs.append(("skos:scopeNote", lit(SPLIT_NOTE)))
        elif p is None:
            pairs.append(("skos:scopeNote", lit(NO_PLOVER_NOTE)))
        out.append(_block(f"cameo:{c}", pairs))
    return "\n".join(out)


def plover_ttl() -> str:
    """The PLOVER concept scheme as Turtle (deterministic)."""
    out = [PREFIXES, "# Generated by scripts/gen_code_schemes.py. Do not edit.\n"]
    out.append(_block(f"<{PLOVER_SCHEME}>", [
        ("a", "skos:ConceptScheme"),
        ("dcterms:title", lit("PLOVER event types")),
        ("dcterms:description", lit(
            "The sixteen event types of the Political Language Ontology for Verifiable Event Records "
            "(PLOVER, manual draft 0.8, 2021) as a SKOS concept scheme, plus the PLOVER 0.5 type names "
            "still found in older coded data, as deprecated concepts pointing to their 2021 successors. "
            "Definitions written for diplokg.")),
        ("dcterms:source", lit("PLOVER manual draft 0.8 (2021) and PLOVER 0.5 gold-standard records, "
                               "Open Event Data Alliance, https://github.com/openeventdata/PLOVER", None)),
        ("dcterms:license", "<https://creativecommons.org/licenses/by/4.0/>"),
        ("owl:versionInfo", lit("0.1.0", None)),
        ("skos:hasTopConcept", ", ".join(f"plover:{t}" for t in sorted(PLOVER_TYPES))),
    ]))
    for t in sorted(set(PLOVER_TYPES) | set(PLOVER_DEPRECATED)):
        if t in PLOVER_TYPES:
            label, definition = PLOVER_TYPES[t]
            pairs = [("a", "owl:NamedIndividual, skos:Concept, dip:PloverType"), ("skos:notation", lit(t, None)),
                     ("skos:prefLabel", lit(label)), ("skos:definition", lit(definition)),
                     ("skos:inScheme", f"<{PLOVER_SCHEME}>"), ("skos:topConceptOf", f"<{PLOVER_SCHEME}>")]
        else:
            label, successor, note = PLOVER_DEPRECATED[t]
            pairs = [("a", "owl:NamedIndividual, skos:Concept, dip:PloverType"), ("skos:notation", lit(t, None)),
                     ("skos:prefLabel", lit(f"{label} (PLOVER 0.5)")),
                     ("skos:definition", lit(f"PLOVER 0.5 event type {t}; use {successor} instead.")),
                     ("skos:inScheme", f"<{PLOVER_SCHEME}>"), ("owl:deprecated", "true"),
                     ("skos:historyNote", lit(note)), ("dcterms:isReplacedBy", f"plover:{successor}"),
                     ("skos:exactMatch" if t == "DEMAND" else "skos:broadMatch", f"plover:{successor}")]
        out.append(_block(f"plover:{t}", pairs))
    return "\n".join(out)


def generate(shared: Path) -> dict[str, str]:
    """Return ``{file name: Turtle text}`` for ``cameo.ttl`` and ``plover.ttl``.

    Raises:
        FileNotFoundError: an input file is missing.
        InputFormatError: an input file is malformed.
    """
    codes = read_codes(shared / TSV_REL)
    crosswalk = read_crosswalk(shared / CROSSWALK_REL)
    unknown = sorted(set(crosswalk) - set(codes))
    if unknown:
        print(f"note: crosswalk codes not in the codebook, skipped: {', '.join(unknown)}", file=sys.stderr)
    bad = sorted({t for ts in crosswalk.values() for t in ts} - set(PLOVER_TYPES))
    if bad:
        raise InputFormatError(f"{shared / CROSSWALK_REL}: unknown PLOVER types {', '.join(bad)}")
    modes = read_crosswalk_modes(shared / CROSSWALK_REL)
    return {"cameo.ttl": cameo_ttl(codes, crosswalk, modes), "plover.ttl": plover_ttl()}


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, LF line ends) atomically: :func:`pipeline.publish.atomic_write`."""
    from pipeline.publish import atomic_write
    atomic_write(path, text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared reference directory")
    ap.add_argument("--out", type=Path, default=ROOT / "ontology", help="output directory")
    ap.add_argument("--check", action="store_true", help="only compare with the files in --out; exit 1 on drift")
    args = ap.parse_args(argv)
    try:
        files = generate(args.shared)
    except (FileNotFoundError, InputFormatError) as exc:
        print(f"gen_code_schemes: error: {exc}", file=sys.stderr)
        return 2
    status = 0
    for name, text in files.items():
        target = args.out / name
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                print(f"{target}: out of date (run scripts/gen_code_schemes.py)", file=sys.stderr)
                status = 1
        else:
            write_atomic(target, text)
            print(f"wrote {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
