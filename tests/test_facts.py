"""The facts loader: the seed loads completely; each kind of bad input gives one clear error
naming the file, the line and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import ArticleError, FactsError
from pipeline.facts import load_facts
from tests.conftest import ARTICLES, SEED_ID

SEED_YAML = ARTICLES / f"{SEED_ID}.yaml"
SEED_TXT = ARTICLES / f"{SEED_ID}.txt"


def test_seed_loads_with_exact_evidence() -> None:
    facts = load_facts(SEED_YAML)
    text = facts.article.text
    spans = [e.evidence for e in facts.events] + [s.evidence for s in facts.statements] + \
        [c.evidence for c in facts.claims] + [h.evidence for h in facts.holdings]
    assert spans, "the seed has facts"
    for span in spans:
        assert text[span.start:span.end] == span.exact
    quotes = {s.id: s.quote for s in facts.statements}
    # checked by hand against the article: the quotation is character-exact, curly quotes excluded
    assert quotes["wong-continued-transfer"] == (
        "The continued transfer of weapons from North Korea to Russia is a flagrant violation of "
        "U.N. Security Council resolutions")
    assert facts.article.published is not None and facts.article.published.source is not None


def _copy(tmp_path: Path, yaml_text: str | None = None, txt: bytes | None = None) -> Path:
    y = tmp_path / SEED_YAML.name
    y.write_text(yaml_text if yaml_text is not None else SEED_YAML.read_text("utf-8"), "utf-8")
    t = tmp_path / SEED_TXT.name
    if txt is None:
        shutil.copy(SEED_TXT, t)
    else:
        t.write_bytes(txt)
    return y


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _mutate(old: str, new: str) -> str:
    text = SEED_YAML.read_text("utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    bad = _mutate("    office: Foreign Minister\n", "    office: [Foreign Minister\n")
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    err = ei.value
    assert "YAML syntax error" in err.message
    assert err.path and err.path.endswith(".yaml")
    # the parser notices the unclosed flow sequence at the next line or soon after
    assert err.line is not None and err.line >= _line_of(bad, "[Foreign Minister")


def test_unknown_field(tmp_path: Path) -> None:
    bad = _mutate("    office: Foreign Minister\n", "    office: Foreign Minister\n    ofice_since: 2022\n")
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    err = ei.value
    assert "unknown field 'ofice_since'" in err.message
    assert err.line == _line_of(bad, "ofice_since")
    assert err.field == "holdings.wong-foreign-minister.ofice_since"


def test_unknown_entity_reference(tmp_path: Path) -> None:
    bad = _mutate("    actors: [cho-tae-yul]\n", "    actors: [cho-tae-yool]\n")
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    err = ei.value
    assert "unknown entity 'cho-tae-yool'" in err.message
    assert err.line == _line_of(bad, "cho-tae-yool")
    assert err.field == "events.cho-echoes-wong.actors[0]"


def test_evidence_not_in_text(tmp_path: Path) -> None:
    bad = _mutate("evidence: Both Pyongyang and Moscow deny these allegations.",
                  "evidence: Both Pyongyang and Moscow reject these allegations.")
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    err = ei.value
    assert "evidence not found verbatim" in err.message
    assert err.line == _line_of(bad, "reject these allegations")
    assert err.field == "events.pyongyang-moscow-deny.evidence"


def test_evidence_with_straight_quotes_gets_a_hint(tmp_path: Path) -> None:
    bad = _mutate("evidence: Both Pyongyang and Moscow deny these allegations.",
                  "evidence: Wong expressed concerns over Russia's behaviour")
    with pytest.raises(FactsError, match="differs only in quotes"):
        load_facts(_copy(tmp_path, bad))


def test_impossible_date(tmp_path: Path) -> None:
    bad = _mutate("      value: 2024-07-29\n", "      value: 2024-02-30\n")
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    err = ei.value
    assert "impossible date '2024-02-30'" in err.message and "29 days" in err.message
    assert err.line == _line_of(bad, "2024-02-30")


def test_month_13(tmp_path: Path) -> None:
    bad = _mutate("    date: 2024-06\n", "    date: 2024-13\n")
    with pytest.raises(FactsError, match="month 13 does not exist"):
        load_facts(_copy(tmp_path, bad))


def test_empty_article(tmp_path: Path) -> None:
    with pytest.raises(ArticleError) as ei:
        load_facts(_copy(tmp_path, txt=b"  \n\n"))
    assert "empty" in ei.value.message and ei.value.path and ei.value.path.endswith(".txt")


def test_article_not_utf8(tmp_path: Path) -> None:
    raw = SEED_TXT.read_bytes().replace("Paju".encode(), b"P\xe2ju", 1)
    with pytest.raises(ArticleError) as ei:
        load_facts(_copy(tmp_path, txt=raw))
    err = ei.value
    assert "not UTF-8" in err.message
    assert err.line == raw[: raw.index(b"P\xe2ju")].count(b"\n") + 1


def test_article_id_must_match_file_name(tmp_path: Path) -> None:
    bad = _mutate(f"  id: {SEED_ID}\n", "  id: another-id\n")
    with pytest.raises(FactsError, match="must equal the file name"):
        load_facts(_copy(tmp_path, bad))


def test_error_message_reads_well(tmp_path: Path) -> None:
    bad = _mutate("    type: Denial\n", "    type: Refusal\n")
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    text = str(ei.value)
    # file:line:column: [field] message
    assert text.startswith(str(tmp_path / SEED_YAML.name) + f":{_line_of(bad, 'Refusal')}:")
    assert "'Refusal' is not one of" in text and "Denial" in text


def test_duplicate_key(tmp_path: Path) -> None:
    bad = _mutate("  japan: {type: State, name: Japan}\n",
                  "  japan: {type: State, name: Japan}\n  japan: {type: State, name: Japan2}\n")
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    first = _line_of(bad, "  japan:")
    assert ei.value.line == first + 1
    assert f"duplicate key 'japan' (first defined on line {first})" in ei.value.message


def test_unknown_cameo_code(tmp_path: Path) -> None:
    bad = _mutate('    cameo: "036"\n', '    cameo: "0369"\n')
    with pytest.raises(FactsError) as ei:
        load_facts(_copy(tmp_path, bad))
    assert "'0369' is not a CAMEO event code" in ei.value.message
    assert ei.value.line == _line_of(bad, "0369")


def test_article_metadata_of_a_stub(tmp_path: Path) -> None:
    """A metadata-only stub (what `diplokg ingest` writes) gives its article fields, date parsed;
    a schema error in it is reported with its line."""
    from pipeline.facts import article_metadata
    from pipeline.model import DateValue
    stub = tmp_path / "stub.yaml"
    stub.write_text("article:\n  id: stub\n  title: A stub\n  published: 2024-07\n", "utf-8")
    meta = article_metadata(stub)
    assert meta["title"] == "A stub" and meta["published"] == DateValue("2024-07")
    stub.write_text("article:\n  id: stub\n  title: A stub\n  publshed: 2024-07\n", "utf-8")
    with pytest.raises(FactsError) as ei:
        article_metadata(stub)
    assert ei.value.line == 4 and "unknown field 'publshed'" in ei.value.message
    assert article_metadata(stub, check_schema=False)["published"] is None
