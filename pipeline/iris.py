"""The only module that mints IRIs.

Every IRI diplokg publishes comes from one configurable base (default
``https://w3id.org/diplokg/``, overridable with the ``DIPLOKG_BASE`` environment
variable or the ``base`` argument):

* ontology terms:   ``<base>ontology#Term``          (prefix ``dip:``)
* resources:        ``<base>id/<kind>/<slug>``
* article graphs:   ``<base>graph/<article-id>``

IRIs are deterministic: the same input gives the same IRI, and entity IRIs do not
depend on the article, so one person in two articles is one node.

>>> Minter("https://example.org/kg/").entity("person", "Penny Wong")
'https://example.org/kg/id/person/penny-wong'
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

DEFAULT_BASE = "https://w3id.org/diplokg/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

KINDS = (
    "person", "state", "organization", "body", "place", "office", "agreement",
    "instrument", "group", "article", "event", "statement", "claim", "holding",
    "span", "provision", "source", "match", "report",
)


def slugify(text: str) -> str:
    """Lower-case ASCII slug: ``"Cho Tae-yul"`` -> ``"cho-tae-yul"``.

    >>> slugify("Kim Jong Un’s  pact!")
    'kim-jong-un-s-pact'
    """
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug or "x"


def default_base() -> str:
    base = os.environ.get("DIPLOKG_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"


@dataclass(frozen=True)
class Minter:
    """Mints every IRI from one base."""

    base: str = DEFAULT_BASE

    @property
    def ontology(self) -> str:
        return self.base + "ontology#"

    @property
    def shapes(self) -> str:
        return self.base + "shapes#"

    def entity(self, kind: str, slug: str) -> str:
        """IRI of a shared resource (person, state, place, office, agreement...)."""
        if kind not in KINDS:
            raise ValueError(f"unknown IRI kind {kind!r}; expected one of {', '.join(KINDS)}")
        return f"{self.base}id/{kind}/{slugify(slug)}"

    def article(self, article_id: str) -> str:
        return self.entity("article", article_id)

    def graph(self, article_id: str) -> str:
        return f"{self.base}graph/{slugify(article_id)}"

    def local(self, kind: str, article_id: str, local_id: str) -> str:
        """IRI of an article-scoped resource (event, statement, claim, holding...)."""
        return f"{self.base}id/{kind}/{slugify(article_id)}/{slugify(local_id)}"

    def span(self, article_id: str, start: int, end: int) -> str:
        return f"{self.base}id/span/{slugify(article_id)}/{start}-{end}"

    def wikidata(self, qid: str) -> str:
        return WIKIDATA_ENTITY + qid


def minter(base: str | None = None) -> Minter:
    return Minter(base if base else default_base())
