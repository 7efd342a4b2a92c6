"""Deterministic synthetic corpus for scale tests and benchmarks.

``generate(n, dest, seed)`` writes ``n`` articles (``<id>.txt`` plus a curated ``<id>.yaml``
facts file in the format of ``data/articles``) into ``dest/data/articles`` and lays ``dest``
out like a project root (``ontology/``, ``shapes/`` and ``data/wikidata/`` copied from the
project), so ``diplokg build --root DEST`` builds it.

What the articles look like (realistic in *shape*, not in content):

* the event-type mix of the bundled corpus (Meeting, Visit and Commitment most common,
  HostVisit, Denial and AgreementSigning least), every type of :data:`pipeline.model.EVENT_TYPES`;
* recurring actors: a fixed pool of real states (the ones in the shipped Wikidata cache link,
  the others are left for review) with their capitals, international organisations, and
  *fictional* officials (a president, a foreign minister... per state): the same person is
  the same entity, with identical triples, in every article that mentions them;
* office holdings, direct and reported quotations, claims with accusers, deniers and the
  rules they break, agreements with parties, signatories and conditional provisions,
  planned talks, dates from the text and dates with an outside source.

Article ``i`` depends only on ``(seed, i)``, so the first 1,000 articles of a 10k corpus are
the 1k corpus. The facts files are checked against the schema and the shapes by the build;
every evidence string occurs verbatim in its text.

Usage::

    python -m benchmarks.corpus 10000 /tmp/corpus-10k [--seed 7]

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> ids = generate(3, d, seed=1)
>>> sorted(p.name for p in (d / "data" / "articles").iterdir())[:2]
['bench-000000.txt', 'bench-000000.yaml']
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- pools

#: (id, name, demonym, capital id, capital name). The first nine are in the shipped Wikidata cache.
STATES: tuple[tuple[str, str, str, str, str], ...] = (
    ("australia", "Australia", "Australian", "canberra", "Canberra"),
    ("japan", "Japan", "Japanese", "tokyo", "Tokyo"),
    ("united-states", "United States", "American", "washington-dc", "Washington, D.C."),
    ("russia", "Russia", "Russian", "moscow", "Moscow"),
    ("ukraine", "Ukraine", "Ukrainian", "kyiv", "Kyiv"),
    ("north-korea", "North Korea", "North Korean", "pyongyang", "Pyongyang"),
    ("south-korea", "South Korea", "South Korean", "seoul", "Seoul"),
    ("india", "India", "Indian", "new-delhi", "New Delhi"),
    ("laos", "Laos", "Lao", "vientiane", "Vientiane"),
    ("china", "China", "Chinese", "beijing", "Beijing"),
    ("indonesia", "Indonesia", "Indonesian", "jakarta", "Jakarta"),
    ("vietnam", "Vietnam", "Vietnamese", "hanoi", "Hanoi"),
    ("philippines", "Philippines", "Philippine", "manila", "Manila"),
    ("thailand", "Thailand", "Thai", "bangkok", "Bangkok"),
    ("malaysia", "Malaysia", "Malaysian", "kuala-lumpur", "Kuala Lumpur"),
    ("singapore", "Singapore", "Singaporean", "singapore-city", "Singapore"),
    ("new-zealand", "New Zealand", "New Zealand", "wellington", "Wellington"),
    ("france", "France", "French", "paris", "Paris"),
    ("germany", "Germany", "German", "berlin", "Berlin"),
    ("united-kingdom", "United Kingdom", "British", "london", "London"),
    ("italy", "Italy", "Italian", "rome", "Rome"),
    ("poland", "Poland", "Polish", "warsaw", "Warsaw"),
    ("turkey", "Turkey", "Turkish", "ankara", "Ankara"),
    ("brazil", "Brazil", "Brazilian", "brasilia", "Brasília"),
    ("mexico", "Mexico", "Mexican", "mexico-city", "Mexico City"),
    ("canada", "Canada", "Canadian", "ottawa", "Ottawa"),
    ("south-africa", "South Africa", "South African", "pretoria", "Pretoria"),
    ("nigeria", "Nigeria", "Nigerian", "abuja", "Abuja"),
    ("egypt", "Egypt", "Egyptian", "cairo", "Cairo"),
    ("kenya", "Kenya", "Kenyan", "nairobi", "Nairobi"),
    ("saudi-arabia", "Saudi Arabia", "Saudi", "riyadh", "Riyadh"),
    ("iran", "Iran", "Iranian", "tehran", "Tehran"),
    ("pakistan", "Pakistan", "Pakistani", "islamabad", "Islamabad"),
    ("nauru", "Nauru", "Nauruan", "yaren", "Yaren"),
    ("papua-new-guinea", "Papua New Guinea", "Papua New Guinean", "port-moresby", "Port Moresby"),
    ("fiji", "Fiji", "Fijian", "suva", "Suva"),
)

#: (id, name, type, aliases)
ORGS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("un-security-council", "United Nations Security Council", "InternationalOrganization", ("UN Security Council",)),
    ("asean", "ASEAN", "InternationalOrganization", ("ASEAN bloc",)),
    ("nato", "NATO", "InternationalOrganization", ("North Atlantic Treaty Organization",)),
    ("european-union", "European Union", "InternationalOrganization", ("EU",)),
    ("african-union", "African Union", "InternationalOrganization", ()),
    ("pacific-islands-forum", "Pacific Islands Forum", "InternationalOrganization", ()),
    ("brics", "BRICS", "InternationalOrganization", ()),
    ("quad", "Quad", "Group", ()),
    ("g20", "G20", "Group", ("Group of Twenty",)),
)

OFFICES = ("President", "Prime Minister", "Foreign Minister", "Defence Minister", "Trade Minister",
           "Ambassador to the United Nations")

GIVEN = ("Amara", "Boris", "Chen", "Dara", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kalani",
         "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sanjay", "Tomas", "Uma", "Viktor",
         "Wen", "Xenia", "Yusuf", "Zofia", "Aiko", "Bruno", "Carmen", "Dmitri", "Esra", "Felix")
FAMILY = ("Abara", "Belov", "Castell", "Dunmore", "Ekwueme", "Farrow", "Gallo", "Haddad", "Ivers", "Jansen",
          "Kowal", "Larsen", "Moreau", "Nakata", "Okafor", "Petrov", "Quarles", "Rahman", "Sato", "Tanaka",
          "Ulloa", "Varga", "Whitlam", "Xu", "Yilmaz", "Zeller", "Arbenz", "Brandt", "Cortez", "Dalca")

TOPICS = ("maritime security", "trade in critical minerals", "climate finance", "energy transition",
          "cyber security", "food security", "nuclear non-proliferation", "regional stability",
          "economic security", "disaster relief", "counter-terrorism", "fisheries management",
          "semiconductor supply chains", "health cooperation", "education exchanges", "port infrastructure")
CRITIQUE = ("destabilising", "escalatory", "provocative", "reckless", "unacceptable", "dangerous",
            "irresponsible", "a step backwards", "deeply regrettable", "counterproductive")
PRAISE = ("constructive", "timely", "an important step", "welcome", "a sign of good faith")
WRONGDOINGS = (
    ("transfers weapons to", "weapons transfers to"),
    ("supplies drones to", "drone supplies to"),
    ("conducts cyber attacks against", "cyber attacks against"),
    ("harasses fishing vessels of", "harassment of fishing vessels of"),
    ("interferes in the elections of", "interference in the elections of"),
    ("evades sanctions together with", "sanctions evasion with"),
)
AID = ("humanitarian assistance", "budget support", "disaster relief funding", "grain shipments",
       "medical supplies", "reconstruction funding", "climate adaptation grants")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
PUBLISHERS = ("diplokg synthetic wire", "diplokg synthetic daily", "diplokg synthetic review")

#: Event-type weights: the bundled corpus's mix (Meeting 10, Visit 9, Commitment 8, ...).
EVENT_WEIGHTS = {"Meeting": 10, "Visit": 9, "Commitment": 8, "Criticism": 7, "Accusation": 7,
                 "Endorsement": 6, "AidProvision": 6, "Negotiation": 4, "HostVisit": 4, "Denial": 4,
                 "AgreementSigning": 4}


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    surname: str
    office: str
    state: int  # index into STATES


def _people() -> tuple[Person, ...]:
    """The fixed pool of fictional officials: one per (state, office), unique names."""
    out = []
    k = 0
    for si in range(len(STATES)):
        for office in OFFICES:
            given = GIVEN[(k * 7 + si) % len(GIVEN)]
            family = FAMILY[(k * 11 + si * 3) % len(FAMILY)]
            k += 1
            name = f"{given} {family}"
            pid = f"{given}-{family}-{si}".lower()
            out.append(Person(pid, name, family, office, si))
    return tuple(out)


PEOPLE = _people()


def _q(s: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


# --------------------------------------------------------------------------- one article


class _Article:
    """Accumulates the text and facts of one article; every fact's evidence is a sentence of it."""

    def __init__(self, aid: str, rng: random.Random) -> None:
        self.id = aid
        self.rng = rng
        self.paragraphs: list[list[str]] = [[]]
        self.sentences: set[str] = set()
        self.entities: dict[str, str] = {}  # id -> YAML flow mapping
        self.holdings: dict[str, list[str]] = {}
        self.events: dict[str, list[str]] = {}
        self.statements: dict[str, list[str]] = {}
        self.claims: dict[str, list[str]] = {}
        self.agreements: dict[str, list[str]] = {}

    # -- text
    def say(self, sentence: str) -> bool:
        """Add a sentence to the current paragraph; False (and nothing added) if already said."""
        if sentence in self.sentences:
            return False
        self.sentences.add(sentence)
        self.paragraphs[-1].append(sentence)
        return True

    def paragraph(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def text(self, title: str) -> str:
        body = "\n\n".join(" ".join(p) for p in self.paragraphs if p)
        return f"{title}\n\n{body}\n"

    # -- entities (identical declarations in every article, so the union is clean)
    def state(self, si: int) -> str:
        sid, name, demonym, _, _ = STATES[si]
        aliases = [] if demonym == name else [demonym]
        self.entities[sid] = "{type: State, name: %s%s}" % (
            _q(name), f", aliases: {_flow(map(_q, aliases))}" if aliases else "")
        return sid

    def capital(self, si: int) -> str:
        sid, _, _, cid, cname = STATES[si]
        self.state(si)
        self.entities[cid] = "{type: Place, name: %s, country: %s}" % (_q(cname), sid)
        return cid

    def person(self, p: Person) -> str:
        sid = self.state(p.state)
        self.entities[p.id] = "{type: Person, name: %s, aliases: [%s], country: %s}" % (
            _q(p.name), _q(p.surname), sid)
        return p.id

    def org(self, oi: int) -> str:
        oid, name, typ, aliases = ORGS[oi]
        al = f", aliases: {_flow(map(_q, aliases))}" if aliases else ""
        self.entities[oid] = "{type: %s, name: %s%s}" % (typ, _q(name), al)
        return oid

    def instrument(self, si: int) -> str:
        sid, name = STATES[si][0], STATES[si][1]
        iid = f"unsc-resolutions-{sid}"
        self.entities[iid] = "{type: LegalInstrument, name: %s}" % _q(
            f"United Nations Security Council resolutions on {name}")
        return iid

    def ministry(self, si: int) -> str:
        sid, _, demonym = STATES[si][:3]
        mid = f"{sid}-foreign-ministry"
        self.state(si)
        self.entities[mid] = "{type: GovernmentBody, name: %s, country: %s}" % (
            _q(f"{demonym} foreign ministry"), sid)
        return mid

    # -- facts
    def holding(self, p: Person, phrase: str) -> None:
        self.person(p)
        self.holdings[f"{p.id}-{_slug(p.office)}"] = [
            f"person: {p.id}", f"office: {_q(p.office)}", f"country: {STATES[p.state][0]}",
            f"evidence: {_q(phrase)}"]

    def event(self, eid: str, etype: str, evidence: str, **fields: object) -> None:
        lines = [f"type: {etype}"]
        for k, v in fields.items():
            if v is None or v == [] or v == ():
                continue
            if isinstance(v, (list, tuple)):
                lines.append(f"{k}: {_flow(str(x) if k in _REF_FIELDS else _q(str(x)) for x in v)}")
            elif isinstance(v, dict):
                lines.append(f"{k}:")
                lines += [f"  {kk}: {_q(str(vv)) if kk != 'source' else vv}" for kk, vv in v.items()]
            else:
                lines.append(f"{k}: {v if k in _REF_FIELDS else _q(str(v))}")
        lines.append(f"evidence: {_q(evidence)}")
        self.events[eid] = lines

    def yaml(self, title: str, published: str, publisher: str) -> str:
        out = [
            "# diplokg facts file (format: docs/facts-format.md, schema: pipeline/facts.schema.json)",
            "# Synthetic benchmark article (benchmarks/corpus.py): fictional officials, not a news report.",
            "article:",
            f"  id: {self.id}",
            f"  title: {_q(title)}",
            f"  publisher: {_q(publisher)}",
            "  language: en",
            "  sample: true",
            f"  published: {_q(published)}",
            "",
            "entities:",
        ]
        out += [f"  {k}: {v}" for k, v in sorted(self.entities.items())]
        for section, items in (("holdings", self.holdings), ("agreements", self.agreements),
                               ("claims", self.claims), ("events", self.events),
                               ("statements", self.statements)):
            if not items:
                continue
            out += ["", f"{section}:"]
            for k, lines in items.items():
                out.append(f"  {k}:")
                out += [f"    {ln}" for ln in lines]
        return "\n".join(out) + "\n"


_REF_FIELDS = {"actors", "targets", "participants", "place", "agreement", "claim", "follows", "part_of",
               "parties", "signatories", "about", "alleged_by", "denied_by", "violates", "speaker"}


def _slug(s: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in s.lower()).split())


def _date_text(y: int, m: int, d: int) -> str:
    return f"{d} {MONTHS[m - 1]} {y}"


def make_article(i: int, seed: int = 0) -> tuple[str, str, str]:
    """Article number ``i``: ``(id, text, facts_yaml)``; depends only on ``(seed, i)``."""
    rng = random.Random(f"diplokg-corpus/{seed}/{i}")
    aid = f"bench-{i:06d}"
    a = _Article(aid, rng)
    year = 2020 + rng.randrange(6)
    month = 1 + rng.randrange(12)
    day = 1 + rng.randrange(28)
    published = f"{year:04d}-{month:02d}-{day:02d}"

    # cast: a host state, a visiting state, one or two third parties, their officials
    host_i, guest_i, third_i, fourth_i = rng.sample(range(len(STATES)), 4)
    def official(si: int, *offices: str) -> Person:
        pool = [p for p in PEOPLE if p.state == si and (not offices or p.office in offices)]
        return rng.choice(pool)
    guest = official(guest_i, "Foreign Minister", "Prime Minister", "President", "Trade Minister")
    host = official(host_i, "Foreign Minister", "Prime Minister", "President", "Defence Minister")
    critic = official(third_i, "Foreign Minister", "President", "Ambassador to the United Nations")
    other = official(fourth_i)
    host_s, guest_s, third_s, fourth_s = (STATES[k] for k in (host_i, guest_i, third_i, fourth_i))
    capital = a.capital(host_i)
    topic_a, topic_b, topic_c = rng.sample(TOPICS, 3)
    date_txt = _date_text(year, month, day)

    title = f"{guest.name} visits {host_s[4]} as {host_s[1]} and {guest_s[1]} discuss {topic_a}"

    # lead: office holdings (first mentions) and the visit
    def title_phrase(p: Person) -> str:
        return f"{STATES[p.state][2]} {p.office} {p.name}"
    ph_guest, ph_host, ph_critic, ph_other = map(title_phrase, (guest, host, critic, other))
    a.holding(guest, ph_guest)
    a.holding(host, ph_host)
    visit_ev = f"{ph_guest} arrived in {host_s[4]} on {date_txt} for talks with {ph_host}."
    a.say(visit_ev)
    a.event("visit", "Visit", visit_ev, actors=[guest.id], targets=[a.state(host_i)], place=capital,
            date=published)
    counter = {"n": 0}

    def eid(prefix: str) -> str:
        counter["n"] += 1
        return f"{prefix}-{counter['n']}"

    # the body: a weighted mix of events, each its own sentence
    n_events = 6 + rng.randrange(9)
    types = rng.choices(list(EVENT_WEIGHTS), weights=list(EVENT_WEIGHTS.values()), k=n_events)
    claim_id: str | None = None
    agreement_id: str | None = None
    critic_intro = False
    for etype in types:
        if rng.random() < 0.25:
            a.paragraph()
        if etype == "Meeting":
            topic = rng.choice(TOPICS)
            s = f"{guest.surname} and {host.surname} met in {host_s[4]} to discuss {topic}."
            if a.say(s):
                a.event(eid("meeting"), "Meeting", s, participants=[guest.id, host.id], place=capital,
                        topics=[topic], part_of="visit")
        elif etype == "Visit":
            oi = rng.randrange(len(ORGS))
            org = a.org(oi)
            s = f"Earlier, {guest.surname} attended a meeting of the {ORGS[oi][1]} in {third_s[4]}."
            if a.say(s):
                a.event(eid("earlier-visit"), "Visit", s, actors=[guest.id], targets=[org],
                        place=a.capital(third_i))
        elif etype == "HostVisit":
            s = f"{host.surname} hosted {guest.surname} for a working dinner in {host_s[4]}."
            if a.say(s):
                a.event(eid("dinner"), "HostVisit", s, actors=[host.id], targets=[guest.id], place=capital,
                        part_of="visit", topics=["working dinner"])
        elif etype == "Negotiation":
            topic = rng.choice(TOPICS)
            planned = rng.random() < 0.5
            verb = "plan to launch a dialogue on" if planned else "held a round of talks on"
            s = f"{host_s[1]} and {guest_s[1]} {verb} {topic}."
            if a.say(s):
                a.event(eid("talks"), "Negotiation", s, participants=[a.state(host_i), a.state(guest_i)],
                        topics=[topic], modality="planned" if planned else None,
                        cameo="036" if planned else None)
        elif etype == "Endorsement":
            word = rng.choice(PRAISE)
            s = f"{host.surname} described {guest.surname}’s proposal on {topic_b} as “{word}”."
            if a.say(s):
                a.event(eid("endorsement"), "Endorsement", s, actors=[host.id], targets=[guest.id],
                        topics=[topic_b], characterisations=[word])
        elif etype == "Criticism":
            word = rng.choice(CRITIQUE)
            intro = ph_critic if not critic_intro else critic.surname
            if not critic_intro:
                a.holding(critic, ph_critic)
                critic_intro = True
            if agreement_id and rng.random() < 0.5:
                s = f"{intro} criticised the agreement, calling it “{word}”."
                extra = {"agreement": agreement_id}
            else:
                s = f"{intro} criticised {fourth_s[1]}’s conduct on {topic_c}, calling it “{word}”."
                extra = {}
            if a.say(s):
                a.event(eid("criticism"), "Criticism", s, actors=[critic.id], targets=[a.state(fourth_i)],
                        characterisations=[word], **extra)
        elif etype in ("Accusation", "Denial"):
            first = claim_id is None
            if claim_id is None:
                claim_id = "claim"
                wrong, noun = rng.choice(WRONGDOINGS)
                rules = a.instrument(fourth_i)
                s = (f"{host_s[1]} and {guest_s[1]} accused {fourth_s[1]} of {noun} "
                     f"{third_s[1]} in breach of United Nations Security Council resolutions.")
                a.say(s)
                a.claims[claim_id] = [
                    f"text: {_q(f'{fourth_s[1]} {wrong} {third_s[1]}')}", f"evidence: {_q(s)}",
                    f"about: {_flow([a.state(fourth_i), a.state(third_i)])}",
                    f"alleged_by: {_flow([a.state(host_i), a.state(guest_i)])}",
                    f"denied_by: [{a.state(fourth_i)}]", f"violates: [{rules}]"]
                a.event(eid("accusation"), "Accusation", s, actors=[a.state(host_i), a.state(guest_i)],
                        targets=[a.state(fourth_i)], claim=claim_id, modality="alleged")
            if etype == "Denial":
                s = f"{fourth_s[1]} denied the allegations."
                if a.say(s):
                    a.event(eid("denial"), "Denial", s, actors=[a.state(fourth_i)], claim=claim_id)
            elif not first:
                s = f"{guest.surname} repeated the accusation, calling it “a flagrant violation”."
                if a.say(s):
                    a.event(eid("accusation"), "Accusation", s, actors=[guest.id], targets=[a.state(fourth_i)],
                            claim=claim_id, modality="alleged", characterisations=["a flagrant violation"])
        elif etype == "AgreementSigning":
            if agreement_id is None:
                agreement_id = f"{host_s[0]}-{guest_s[0]}-{_slug(topic_a)}-agreement-{aid}"
                name = f"{host_s[1]}–{guest_s[1]} agreement on {topic_a}"
                s = (f"{host.surname} and {guest.surname} signed an agreement on {topic_a} "
                     f"in {host_s[4]} on {date_txt}.")
                a.say(s)
                p1 = f"Under the agreement, both sides will share information on {topic_a}."
                p2 = (f"Each side will provide assistance to the other if either faces a crisis "
                      f"affecting {topic_a}.")
                a.say(p1)
                a.say(p2)
                a.agreements[agreement_id] = [
                    f"name: {_q(name)}", f"evidence: {_q(s)}",
                    f"parties: {_flow([a.state(host_i), a.state(guest_i)])}",
                    f"signatories: {_flow([host.id, guest.id])}", f"signed: {_q(published)}",
                    f"place: {capital}", "provisions:",
                    "  information-sharing:",
                    f"    text: {_q(f'both sides share information on {topic_a}')}",
                    f"    evidence: {_q(p1)}",
                    "  mutual-assistance:",
                    f"    text: {_q(f'each side assists the other in a crisis affecting {topic_a}')}",
                    f"    evidence: {_q(p2)}",
                    "    modality: conditional",
                    f"    condition: {_q(f'either faces a crisis affecting {topic_a}')}"]
                a.event(eid("signing"), "AgreementSigning", s, actors=[host.id, guest.id],
                        agreement=agreement_id, place=capital, date=published)
        elif etype == "Commitment":
            topic = rng.choice(TOPICS)
            s = f"{guest.surname} reaffirmed {guest_s[1]}’s commitment to working with {host_s[1]} on {topic}."
            if a.say(s):
                a.event(eid("commitment"), "Commitment", s, actors=[guest.id, a.state(guest_i)],
                        targets=[a.state(host_i)], topics=[topic])
        elif etype == "AidProvision":
            kind = rng.choice(AID)
            amount = 5 * (1 + rng.randrange(60))
            s = f"{guest_s[1]} announced {amount} million dollars in {kind} for {host_s[1]}."
            if a.say(s):
                src = None
                if rng.random() < 0.3:
                    src = {"value": f"{year:04d}-{month:02d}",
                           "source": "{citation: %s}" % _q(f"{guest_s[2]} government press release, "
                                                              f"{MONTHS[month - 1]} {year}")}
                a.event(eid("aid"), "AidProvision", s, actors=[a.state(guest_i)], targets=[a.state(host_i)],
                        topics=[kind], date=src)

    # quotations: one or two direct, one reported
    a.paragraph()
    quotes = [
        (guest, f"We will keep working with {host_s[1]} on {topic_a} because it matters to both our peoples"),
        (host, f"Our partnership with {guest_s[1]} has never been stronger, and {topic_b} is at its heart"),
        (critic, f"Nobody should be under any illusion about what is at stake for {topic_c}"),
    ]
    for k, (speaker, quote) in enumerate(quotes[: 1 + rng.randrange(3)]):
        verb = rng.choice(("said", "told reporters", "stated", "added"))
        who = speaker.surname
        if speaker is critic and not critic_intro:
            a.holding(critic, ph_critic)
            critic_intro, who = True, ph_critic
        s = f"“{quote},” {who} {verb}."
        if a.say(s):
            a.statements[f"quote-{k + 1}"] = [
                f"speaker: {speaker.id}", f"quote: {_q(quote)}", f"verb: {_q(verb)}",
                f"about: {_flow([a.state(host_i), a.state(guest_i)])}"]
    if rng.random() < 0.6:
        ministry = a.ministry(host_i)
        reported = f"the two countries will hold annual talks on {topic_b}"
        s = f"According to a statement from the {host_s[2]} foreign ministry, {reported}."
        if a.say(s):
            a.statements["ministry-statement"] = [
                f"speaker: {ministry}", f"quote: {_q(reported)}", "direct: false",
                f"verb: {_q('according to a statement')}",
                f"about: {_flow([a.state(host_i), a.state(guest_i)])}"]
            a.event(eid("talks"), "Negotiation", reported, participants=[a.state(host_i), a.state(guest_i)],
                    topics=[topic_b], modality="planned", cameo="036")
    if rng.random() < 0.5:
        a.holding(other, ph_other)
        s = f"{ph_other} is expected to visit {host_s[4]} later this year."
        if a.say(s):
            a.event(eid("planned-visit"), "Visit", s, actors=[other.id], targets=[a.state(host_i)],
                    place=capital, modality="planned")
    return aid, a.text(title), a.yaml(title, published, rng.choice(PUBLISHERS))


# --------------------------------------------------------------------------- the corpus folder


def prepare_root(dest: Path, project: Path = PROJECT, link: bool = False) -> None:
    """Lay out ``dest`` like a project root: ontology/, shapes/, data/wikidata from ``project``."""
    dest.mkdir(parents=True, exist_ok=True)
    for rel in ("ontology", "shapes", "data/wikidata"):
        src, dst = project / rel, dest / rel
        if dst.is_symlink() or dst.is_file():
            dst.unlink()
        elif dst.exists():
            shutil.rmtree(dst)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if link:
            dst.symlink_to(src, target_is_directory=True)
        else:
            shutil.copytree(src, dst)


def generate(n: int, dest: Path, seed: int = 0, *, start: int = 0, project: Path = PROJECT,
             link: bool = False) -> list[str]:
    """Write articles ``start .. start+n-1`` into ``dest/data/articles``; return their ids.

    Existing files with the same names are overwritten (same seed: same bytes).
    """
    dest = Path(dest)
    prepare_root(dest, project, link)
    adir = dest / "data" / "articles"
    adir.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(start, start + n):
        aid, text, facts = make_article(i, seed)
        (adir / f"{aid}.txt").write_text(text, "utf-8")
        (adir / f"{aid}.yaml").write_text(facts, "utf-8")
        ids.append(aid)
    return ids


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("n", type=int, help="number of articles")
    p.add_argument("dest", type=Path, help="folder to lay out as a project root")
    p.add_argument("--seed", type=int, default=0, help="corpus seed")
    p.add_argument("--link", action="store_true", help="symlink ontology/shapes/wikidata instead of copying")
    args = p.parse_args(argv)
    if args.n < 0:
        p.error("n must be >= 0")
    generate(args.n, args.dest, args.seed, link=args.link)
    print(f"{args.n} articles in {args.dest / 'data' / 'articles'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
