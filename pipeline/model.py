"""Domain types: frozen dataclasses passed between the stages.

Every fact carries its evidence (:class:`Span`: character offsets into the article
text plus the exact text). Facts from outside the text (a date the article omits)
carry a :class:`Source` instead of, or beside, the span.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

ENTITY_TYPES = (
    "Person", "State", "InternationalOrganization", "GovernmentBody", "Organization", "Place",
    "Group", "LegalInstrument",
)
EVENT_TYPES = (
    "Visit", "HostVisit", "Meeting", "Negotiation", "Endorsement", "Criticism",
    "Accusation", "Denial", "AgreementSigning", "Commitment", "AidProvision",
)
MODALITIES = ("reported", "alleged", "planned", "conditional")

EntityType = Literal[
    "Person", "State", "InternationalOrganization", "GovernmentBody", "Organization", "Place",
    "Group", "LegalInstrument",
]
Modality = Literal["reported", "alleged", "planned", "conditional"]


@dataclass(frozen=True)
class Span:
    """A character span of an article's text: ``text[start:end] == exact``."""

    start: int
    end: int
    exact: str


@dataclass(frozen=True)
class Source:
    """Where a fact from outside the article text comes from."""

    citation: str
    url: str | None = None


@dataclass(frozen=True)
class DateValue:
    """An ISO date at year (``2024``), month (``2024-06``) or day (``2024-06-19``) precision.

    ``source`` is None when the date is stated in (or resolved from) the article.
    """

    value: str
    source: Source | None = None

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.value)]


@dataclass(frozen=True)
class WikidataLink:
    """An ``owl:sameAs`` link with the provenance of the match."""

    qid: str
    method: str  # "cache-label", "cache-alias", "curated", "search", ...
    score: float
    fetched: str | None = None  # ISO timestamp the cache entry was fetched


@dataclass(frozen=True)
class Entity:
    id: str
    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None  # entity id of the state a person/place/body belongs to
    description: str | None = None
    wikidata: WikidataLink | None = None
    review: bool = False  # True when linking was attempted but left for review


@dataclass(frozen=True)
class OfficeHolding:
    """A person holds an office (e.g. Foreign Minister) for a country."""

    id: str
    person: str
    office: str
    country: str | None
    evidence: Span
    start: DateValue | None = None
    end: DateValue | None = None


@dataclass(frozen=True)
class Provision:
    id: str
    text: str
    evidence: Span
    modality: Modality = "reported"
    condition: str | None = None


@dataclass(frozen=True)
class Agreement:
    id: str
    name: str
    evidence: Span
    parties: tuple[str, ...] = ()
    signatories: tuple[str, ...] = ()
    signed: DateValue | None = None
    place: str | None = None
    provisions: tuple[Provision, ...] = ()


@dataclass(frozen=True)
class Event:
    id: str
    type: str  # one of EVENT_TYPES
    evidence: Span
    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    place: str | None = None
    date: DateValue | None = None
    modality: Modality = "reported"
    topics: tuple[str, ...] = ()
    characterisations: tuple[str, ...] = ()  # words used, e.g. "destabilising"
    agreement: str | None = None  # for AgreementSigning, Criticism of an agreement...
    claim: str | None = None  # for Accusation / Denial
    cameo: str | None = None  # instance-level CAMEO code overriding the class default
    follows: tuple[str, ...] = ()  # ids of events this one comes after
    part_of: str | None = None  # id of the event (e.g. a visit) this one belongs to
    condition: str | None = None  # for conditional modality


@dataclass(frozen=True)
class Statement:
    """What someone said: ``quote`` is character-exact article text."""

    id: str
    speaker: str
    quote: str
    evidence: Span  # the span of the quotation itself
    direct: bool = True
    verb: str | None = None
    about: tuple[str, ...] = ()
    date: DateValue | None = None


@dataclass(frozen=True)
class Claim:
    """An allegation: reported and attributed, never asserted as fact."""

    id: str
    text: str
    evidence: Span
    about: tuple[str, ...] = ()
    alleged_by: tuple[str, ...] = ()
    denied_by: tuple[str, ...] = ()
    violates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str
    published: DateValue | None = None
    publisher: str | None = None
    url: str | None = None
    language: str = "en"
    authors: tuple[str, ...] = ()
    based_on: tuple[str, ...] = ()  # e.g. ("Reuters",)
    sample: bool = False  # True for texts written for the corpus
    path: str | None = None  # file it was read from


@dataclass(frozen=True)
class Facts:
    article: Article
    entities: tuple[Entity, ...] = ()
    holdings: tuple[OfficeHolding, ...] = ()
    events: tuple[Event, ...] = ()
    statements: tuple[Statement, ...] = ()
    claims: tuple[Claim, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    origin: Literal["curated", "extracted"] = "curated"
    path: str | None = None  # facts file it was read from

    def entity(self, entity_id: str) -> Entity | None:
        for e in self.entities:
            if e.id == entity_id:
                return e
        return None

    def with_entities(self, entities: tuple[Entity, ...]) -> "Facts":
        return replace(self, entities=entities)


