"""Bad input to the extractor and to ingest: a clear message or an empty result, never a traceback."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ArticleError
from pipeline.extract import MAX_CHARS, extract, extract_coded
from pipeline.ingest import read_source
from pipeline.model import Article

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "data" / "articles" / "russia-north-korea-pact-destabilising-australia.txt"


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_empty_text_gives_empty_facts():
    for text in ("", "   \n\n  "):
        f = extract(Article("e", text, "t"))
        assert f.events == () and f.statements == () and f.entities == () and f.origin == "extracted"


def test_empty_file_is_a_clear_error(tmp_path, capsys):
    p = tmp_path / "empty.txt"
    p.write_text("")
    code, out, err = _cli(capsys, "extract", str(p))
    assert code == 1 and "empty.txt" in err and "empty" in err and "Traceback" not in err and out == ""


def test_binary_file_is_a_clear_error(tmp_path, capsys):
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, _, err = _cli(capsys, "extract", str(p))
    assert code == 1 and "photo.txt" in err and ("binary" in err or "not UTF-8" in err)
    assert "Traceback" not in err


def test_missing_file(tmp_path, capsys):
    code, _, err = _cli(capsys, "extract", str(tmp_path / "nope.txt"))
    assert code == 1 and "nope.txt" in err and "not found" in err


def test_html_without_article_body(tmp_path, capsys):
    p = tmp_path / "page.html"
    p.write_text("<html><head><title>Menu</title><script>var a = 'The minister met the envoy';</script></head>"
                 "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><footer>© 2024</footer></body></html>")
    code, _, err = _cli(capsys, "extract", str(p))
    assert code == 1 and "page.html" in err and "no article body" in err
    with pytest.raises(ArticleError, match="no article body"):
        read_source(str(p))


def test_html_article_is_reduced_to_its_body(tmp_path, capsys):
    p = tmp_path / "story.html"
    p.write_text(
        "<html><head><title>Ministers meet</title><meta property='article:published_time' content='2024-07-26T10:00'>"
        "</head><body><nav>Home World Politics</nav><article><h1>Ministers meet</h1>"
        "<p>Kenyan Foreign Minister Amina Odhiambo visited Tokyo on Wednesday.</p>"
        "<script>track()</script><p>Odhiambo met Japanese Foreign Minister Yoko Kamikawa.</p></article>"
        "<aside>Subscribe to our newsletter</aside></body></html>")
    ing = read_source(str(p))
    assert ing.text == ("Ministers meet\n\nKenyan Foreign Minister Amina Odhiambo visited Tokyo on Wednesday.\n\n"
                        "Odhiambo met Japanese Foreign Minister Yoko Kamikawa.\n")
    assert (ing.title, ing.published) == ("Ministers meet", "2024-07-26")
    code, out, _ = _cli(capsys, "extract", str(p), "--format", "plover-jsonl")
    assert code == 0
    assert '"cameo": "042"' in out and '"date": "2024-07-24"' in out  # date from the page metadata


def test_other_language_gives_an_empty_result_with_a_note(tmp_path, capsys):
    german = ("Der australische Außenminister hat den Sicherheitspakt zwischen Russland und Nordkorea "
              "kritisiert und ihn als destabilisierend für die Region bezeichnet. ") * 5
    r = extract_coded(Article("de", german, "t"))
    assert r.facts.events == () and r.notes and "English" in r.notes[0]
    p = tmp_path / "de.txt"
    p.write_text(german)
    code, out, err = _cli(capsys, "extract", str(p))
    assert code == 0 and "note:" in err and "English" in err and "events:" not in out


def test_a_5_mb_article_is_read_up_to_the_limit():
    seed = SEED_TXT.read_text("utf-8")
    text = (seed + "\n") * (5_000_000 // len(seed) + 1)
    assert len(text) > 5_000_000
    r = extract_coded(Article("big", text, "t"))
    assert r.notes and "only the first" in r.notes[0]
    assert r.facts.events
    for e in r.facts.events:
        assert text[e.evidence.start:e.evidence.end] == e.evidence.exact
        assert e.evidence.end <= MAX_CHARS


def test_text_without_punctuation_or_actors():
    for text in ("x" * 100_000, "lorem ipsum " * 5000, "!!!???...;;;" * 1000, "\u200b\ufeff" * 50):
        f = extract(Article("odd", text, "t"))
        assert f.events == ()


def test_bad_published_date_is_a_usage_error(capsys):
    code, _, err = _cli(capsys, "extract", str(SEED_TXT), "--published", "June 2024")
    assert code == 2 and "YYYY" in err


class _Handler(http.server.BaseHTTPRequestHandler):
    pages = {
        "/news/pact-talks": (200, "text/html; charset=utf-8",
                             "<html><head><title>Pact talks</title></head><body><article>"
                             "<p>Australian Foreign Minister Penny Wong criticised China on Monday.</p>"
                             "</article></body></html>"),
        "/image.png": (200, "image/png", "\x89PNG"),
    }

    def do_GET(self) -> None:  # noqa: N802
        status, ctype, body = self.pages.get(self.path, (404, "text/html", "<html><body>gone</body></html>"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_ingest_url_writes_text_and_metadata_stub(tmp_path, capsys, web):
    (tmp_path / "data" / "articles").mkdir(parents=True)
    code, out, err = _cli(capsys, "ingest", "--root", str(tmp_path), f"{web}/news/pact-talks",
                          "--published", "2024-07-29")
    assert code == 0, err
    txt = tmp_path / "data" / "articles" / "pact-talks.txt"
    assert txt.read_text("utf-8") == "Australian Foreign Minister Penny Wong criticised China on Monday.\n"
    from pipeline.build import ArticleInput, load_article_facts
    facts = load_article_facts(ArticleInput("pact-talks", txt, txt.with_suffix(".yaml")))
    assert facts.origin == "extracted" and facts.article.title == "Pact talks"
    [ev] = facts.events
    assert (ev.type, ev.actors, ev.targets, ev.date.value if ev.date else None) == (
        "Criticism", ("penny-wong",), ("china",), "2024-07-29")
    # a second ingest of the same article does not overwrite it
    code, _, err = _cli(capsys, "ingest", "--root", str(tmp_path), f"{web}/news/pact-talks")
    assert code == 2 and "already exists" in err


def test_ingest_url_errors(tmp_path, capsys, web):
    code, _, err = _cli(capsys, "ingest", "--root", str(tmp_path), f"{web}/missing")
    assert code == 1 and "HTTP 404" in err
    code, _, err = _cli(capsys, "ingest", "--root", str(tmp_path), f"{web}/image.png")
    assert code == 1 and "not a web page" in err
    code, _, err = _cli(capsys, "ingest", "--root", str(tmp_path), "http://127.0.0.1:9/x")
    assert code == 1 and "could not fetch" in err
