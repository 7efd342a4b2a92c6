"""Read an article from plain text, an HTML file or a URL into a :class:`~pipeline.model.Article`.

HTML is reduced to its article body with the standard library's :mod:`html.parser` (no model, no
network, no extra dependency): the text inside ``<article>`` (else ``<main>``, else ``<body>``),
one paragraph per block element, without scripts, styles, navigation, headers, footers, asides,
forms and figures. Metadata comes from ``<title>``/``og:title``, ``article:published_time`` or
``<time datetime>``, ``og:site_name`` and ``<link rel=canonical>``.

**Offsets.** The text ingest produces is what ``diplokg ingest`` saves as ``data/articles/<id>.txt``
and it is never rewritten afterwards: boilerplate lines (breadcrumbs, promos, bylines, "With
inputs from") stay in the file and the extractor *skips* them, so evidence offsets always index the
saved raw text.

Only this module and the Wikidata linker import ``requests``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pipeline.errors import ArticleError
from pipeline.iris import slugify
from pipeline.model import Article, DateValue

_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "figure", "figcaption",
         "svg", "button", "iframe", "template", "select", "option", "label", "menu"}
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
          "blockquote", "pre", "br", "tr", "table", "dd", "dt", "hr", "body", "time"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "param",
         "track"}
MAX_BYTES = 20_000_000


@dataclass
class _Region:
    parts: list[str] = field(default_factory=list)


class _HTMLText(HTMLParser):
    """Collect block-separated text of <article>, <main> and <body>, and page metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip = 0
        self.regions: dict[str, _Region] = {"article": _Region(), "main": _Region(), "body": _Region()}
        self.inside: dict[str, int] = {"article": 0, "main": 0, "body": 0}
        self.meta: dict[str, str] = {}
        self.title: list[str] = []
        self.in_title = False
        self.h1: list[str] = []
        self.in_h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name") or ""
            if key and a.get("content"):
                self.meta.setdefault(key.lower(), a["content"])
            return
        if tag == "link" and "canonical" in a.get("rel", "") and a.get("href"):
            self.meta.setdefault("canonical", a["href"])
            return
        if tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag in _VOID:
            if tag == "br":
                self._text("\n")
            return
        self.stack.append(tag)
        if tag in _SKIP or a.get("aria-hidden") == "true" or "hidden" in a:
            self.skip += 1
        if tag in self.inside:
            self.inside[tag] += 1
        if tag == "title":
            self.in_title = True
        if tag == "h1":
            self.in_h1 += 1
        if tag in _BLOCK:
            self._text("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            t = self.stack.pop()
            if t in _SKIP:
                self.skip = max(0, self.skip - 1)
            if t in self.inside:
                self.inside[t] = max(0, self.inside[t] - 1)
            if t == "title":
                self.in_title = False
            if t == "h1":
                self.in_h1 = max(0, self.in_h1 - 1)
            if t in _BLOCK:
                self._text("\n\n")
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if self.skip:
            return
        if self.in_h1:
            self.h1.append(data)
        self._text(data)

    def _text(self, s: str) -> None:
        for name, depth in self.inside.items():
            if depth:
                self.regions[name].parts.append(s)


def _paragraphs(parts: list[str]) -> str:
    raw = "".join(parts)
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(p for p in paras if p) + "\n"


def looks_like_html(data: str) -> bool:
    head = data[:2000].lower()
    return "<html" in head or "<!doctype html" in head or bool(re.search(r"<(?:body|article|p|div)\b", head))


@dataclass(frozen=True)
class Ingested:
    """An article read from a source, with the metadata found beside the text."""

    id: str
    text: str
    title: str
    published: str | None = None
    publisher: str | None = None
    url: str | None = None
    language: str = "en"

    def article(self, path: str | None = None) -> Article:
        return Article(id=self.id, text=self.text, title=self.title,
                       published=DateValue(self.published) if self.published else None,
                       publisher=self.publisher, url=self.url, language=self.language, path=path)


def html_to_text(html: str, where: str = "<html>") -> tuple[str, dict[str, Any]]:
    """Article body text and metadata of an HTML page.

    Raises:
        ArticleError: the page has no article body text.

    >>> text, meta = html_to_text("<html><head><title>T</title></head><body><nav>Home</nav>"
    ...     "<article><h1>Talks</h1><p>The two ministers met in Geneva.</p><script>x()</script></article></body></html>")
    >>> text
    'Talks\\n\\nThe two ministers met in Geneva.\\n'
    >>> meta["title"]
    'T'
    """
    p = _HTMLText()
    try:
        p.feed(html)
        p.close()
    except Exception as exc:  # noqa: BLE001 - html.parser is lenient; anything else is a broken page
        raise ArticleError(f"cannot parse HTML: {exc}", where) from None
    text = ""
    for region in ("article", "main", "body"):
        cand = _paragraphs(p.regions[region].parts)
        if len(cand.split()) >= 5:
            text = cand
            break
    if not text.strip():
        raise ArticleError("the HTML page has no article body text (nothing inside <article>, <main> or <body> "
                           "once navigation, scripts and styles are removed)", where)
    meta: dict[str, Any] = {}
    title = p.meta.get("og:title") or " ".join("".join(p.title).split()) or " ".join("".join(p.h1).split())
    meta["title"] = title or None
    pub = p.meta.get("article:published_time") or p.meta.get("date") or p.meta.get("time")
    if pub:
        m = re.match(r"(\d{4}-\d{2}-\d{2})", pub)
        meta["published"] = m.group(1) if m else None
    meta["publisher"] = p.meta.get("og:site_name")
    meta["url"] = p.meta.get("og:url") or p.meta.get("canonical")
    return text, meta


def read_source(source: str, *, session: Any = None, timeout: float = 30.0) -> Ingested:
    """Read a text file, an HTML file, or (``http(s)://``) a web page.

    Args:
        source: a path or a URL.
        session: a ``requests.Session``-like object for URLs (injected in tests); default: a new session.

    Raises:
        ArticleError: missing, empty, binary or non-UTF-8 file; HTML without a body; HTTP failure.
    """
    if re.match(r"^https?://", source):
        return _read_url(source, session, timeout)
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ArticleError("file not found", path) from None
    except OSError as exc:
        raise ArticleError(f"cannot read file: {exc.strerror}", path) from None
    if path.is_dir():
        raise ArticleError("is a folder, not an article file", path)
    if size > MAX_BYTES:
        raise ArticleError(f"file is {size:,} bytes; articles larger than {MAX_BYTES:,} bytes are refused", path)
    from pipeline.facts import read_text
    text = read_text(path)
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or looks_like_html(text):
        body, meta = html_to_text(text, str(path))
        return _ingested(body, meta, fallback_id=path.stem)
    title = next((ln.strip() for ln in text.splitlines() if ln.strip()), path.stem)[:200]
    return Ingested(slugify(path.stem), text, title)


def _read_url(url: str, session: Any, timeout: float) -> Ingested:
    import requests
    s = session or requests.Session()
    try:
        r = s.get(url, timeout=timeout, headers={"User-Agent": "diplokg-ingest/0.1 (+https://w3id.org/diplokg)"})
    except requests.RequestException as exc:
        raise ArticleError(f"could not fetch the page: {exc}", url) from None
    if r.status_code != 200:
        raise ArticleError(f"HTTP {r.status_code} fetching the page", url)
    ctype = r.headers.get("Content-Type", "")
    if ctype and not re.search(r"text/|html|xml", ctype):
        raise ArticleError(f"not a web page (Content-Type {ctype!r})", url)
    if len(r.content) > MAX_BYTES:
        raise ArticleError(f"page is {len(r.content):,} bytes; larger than {MAX_BYTES:,} bytes is refused", url)
    html = r.text
    if "\x00" in html:
        raise ArticleError("the response is binary, not text", url)
    body, meta = html_to_text(html, url)
    meta["url"] = meta.get("url") or url
    slug = slugify(re.sub(r"[?#].*$", "", url).rstrip("/").rsplit("/", 1)[-1]) if "/" in url else "article"
    return _ingested(body, meta, fallback_id=slug)


def _ingested(body: str, meta: dict[str, Any], fallback_id: str) -> Ingested:
    title = meta.get("title") or next((ln.strip() for ln in body.splitlines() if ln.strip()), fallback_id)[:200]
    aid = slugify(title)[:80].strip("-") or slugify(fallback_id)
    return Ingested(aid, body, title, meta.get("published"), meta.get("publisher"), meta.get("url"))


def metadata_yaml(ing: Ingested) -> str:
    """A facts-file stub with the article's metadata and no facts: ``diplokg build`` then uses the extractor."""
    import yaml
    art: dict[str, Any] = {"id": ing.id, "title": ing.title}
    for k in ("publisher", "url", "published"):
        v = getattr(ing, k)
        if v:
            art[k] = v
    art["language"] = ing.language
    head = ("# diplokg facts file: metadata only (written by `diplokg ingest`). With no facts below,\n"
            "# `diplokg build` drafts them with the extractor; add curated facts to override.\n")
    return head + yaml.safe_dump({"article": art}, sort_keys=False, allow_unicode=True, width=100)
