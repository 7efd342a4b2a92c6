"""The rule-based extractor: article text -> coded, attributed, provenance-exact facts.

Pipeline per article (all offsets index the raw article text, never a cleaned copy):

1. body lines (boilerplate skipped) -> sentences -> tokens (:mod:`pipeline.extract.text`);
2. actor mentions: people introduced by office ("South Korean Foreign Minister Cho Tae-yul"),
   later referred to by surname; states by name, demonym, capital or metonym; organisations;
   "Demonym + body" ("South Korean foreign ministry"); "its allies"; anaphora ("she",
   "both nations", "their meeting") (:mod:`pipeline.extract.gazetteer`);
3. event triggers from verb and noun patterns with CAMEO codes (:mod:`pipeline.extract.lexicon`),
   re-coded by the words around them (intent -> 03x and modality *planned*, threat -> 13x,
   refusal -> 12x, demand -> 10x; "if"/"unless" -> *conditional*);
4. roles by grammar: subject (incl. relative "who", passive "by", participial phrases,
   compound "X and Y"), target (first actor group after the trigger in the clause);
5. quotations with speaker before or after ("..., Wong reiterated"), indirect statements
   ("..., according to a statement from X"); accusations become claims, denials attach to them;
   agreements and provisions; dates resolved against the publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipeline.extract import lexicon
from pipeline.extract.dates import find_dates
from pipeline.extract.gazetteer import GazEntry, Gazetteer
from pipeline.extract.text import Token, body_lines, sentences, tokenize
from pipeline.iris import slugify

# --------------------------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------------------------

TITLE_HEADS = {
    "minister", "president", "secretary", "secretary-general", "chancellor", "king", "queen", "emir",
    "sheikh", "prince", "leader", "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson",
    "premier", "governor", "senator", "chairman", "chairwoman", "chair", "judge", "general", "mayor",
    "commander", "pope", "representative", "counterpart", "ministers", "dictator", "monarch", "sultan",
    "chief", "director", "director-general", "head", "speaker", "commissioner", "negotiator", "mediator",
    "lt", "gen", "col", "adm", "maj", "capt", "archbishop", "bishop", "cardinal", "imam", "ayatollah", "rabbi",
    "patriarch", "cleric", "lama", "vice-president", "vice-premier", "deputy-premier", "prime-minister",
}
TITLE_MODIFIERS = {
    "foreign", "defence", "defense", "prime", "vice", "deputy", "finance", "trade", "interior", "home",
    "security", "planning", "investment", "labour", "labor", "economy", "economic", "health", "justice",
    "energy", "state", "senior", "top", "former", "acting", "interim", "supreme", "national", "crown",
    "opposition", "army", "military", "affairs", "external", "federal", "first", "assistant", "under",
    "principal", "special", "chief", "of", "for", "and", "the", "new", "outgoing", "incoming", "ousted",
    "then", "u.n.", "un", "un-appointed", "general", "secretary", "minister", "president", "lt.", "gen.",
    "development", "education", "agriculture", "environment", "information", "communications", "culture",
    "industry", "transport", "commerce", "treasury", "socialist", "elect", "president-elect", "regional",
    "party", "spiritual", "religious", "rebel", "ruling", "pro-democracy", "democratic", "republican",
    "junior", "chief", "powerful", "veteran", "embattled", "exiled", "late", "longtime", "long-time", "de",
    "facto", "self-declared", "self-proclaimed", "elected", "designate", "military", "civilian", "provisional",
    "transitional", "caretaker", "parliamentary", "presidential", "immigration", "fisheries", "tourism",
    "science", "technology", "water", "mines", "mining", "petroleum", "oil", "housing", "welfare", "sports",
    "youth", "women's", "veterans", "budget", "revenue", "public", "works", "resources", "natural",
}
#: Capitalised words of a portfolio after "of"/"for" in a title ("Secretary of State").
_PORTFOLIO_WORDS = {"state", "defense", "defence", "foreign", "affairs", "home", "trade", "finance", "the",
                    "interior", "justice", "health", "energy", "commerce", "treasury", "economy", "labor", "labour",
                    "agriculture", "education", "transport", "transportation", "industry", "external", "relations",
                    "international", "cooperation", "development", "security", "homeland", "war", "information",
                    "culture", "environment", "planning", "investment", "national", "public", "works", "economic"}
_FUNCTION_WORDS = {"of", "and", "for", "the", "under"}
#: Nouns of places inside a state: "in Peru's capital", "outside the Peruvian city of Cusco".
PLACE_NOUNS = {"capital", "city", "town", "village", "province", "region", "district", "port", "border", "territory",
               "island", "countryside", "enclave", "state", "county", "municipality", "suburb", "suburbs", "area"}
#: Verbs of saying and protesting that can close a sentence after the content ("..., a rights group protested").
_AFTER_VERBS = {"protested", "complained", "charged", "objected", "warned", "alleged", "insisted", "demanded",
                "protests", "complains", "charges", "objects", "warns", "alleges", "insists", "demands"}
#: Verbs whose act is done by speaking: their verb phrase is also an indirect statement of the actor.
_SPEECH_ACT_VERBS = {"thanked", "thanks", "condemned", "condemns", "objected", "objects", "denounced", "denounces"}
#: Nouns of a definite description that refers back to the body last named ("The agency released ...").
_BODY_ANAPHORS = {"agency", "ministry", "commission", "committee", "council", "organisation", "organization", "body",
                  "tribunal", "court"}
#: Abbreviated titles ("Lt. Gen. Ana Ruiz"), whose full stop may be a token of its own.
_ABBREV_TITLES = {"lt", "gen", "col", "adm", "maj", "capt", "sgt", "brig", "cmdr", "gov", "sen", "rep", "pres"}
PARTICLES = {"bin", "al", "al-", "de", "van", "von", "der", "den", "le", "la", "du", "ibn", "abu", "da", "dos",
             "el", "ben", "di", "del", "y"}
#: Metonyms that name a ministry rather than the state as a whole: surface -> the body's name.
INSTITUTION_METONYMS = {
    "State Department": "United States Department of State", "Pentagon": "United States Department of Defense",
    "Foreign Office": "Foreign, Commonwealth and Development Office", "Quai d'Orsay": "French Ministry for Europe and Foreign Affairs",
}
#: Nouns that make "Demonym/Country's + noun" a government body.
BODY_NOUNS = {
    "foreign ministry", "ministry", "defence ministry", "defense ministry", "government", "embassy",
    "parliament", "foreign office", "cabinet", "military", "army", "navy", "air force", "police",
    "high court", "supreme court", "court", "constitutional court", "administration", "senate", "congress",
    "interior ministry", "national assembly", "assembly", "state media", "news agency", "security forces",
    "authorities", "regime", "junta", "coast guard", "intelligence service", "national intelligence service",
    "intelligence agency", "spy agency", "defence ministry", "mission", "foreign affairs ministry",
    "state department", "presidential office", "presidency", "joint chiefs of staff", "ministry of defence",
    "ministry of foreign affairs", "embassy", "central bank",
}
#: Nouns that make "Demonym + noun" the state (or its people) acting.
PEOPLE_NOUNS = {
    "officials", "official", "diplomats", "diplomat", "leaders", "side", "sides", "negotiators", "delegation",
    "troops", "forces", "soldiers", "officers", "counterparts", "ministers", "representatives", "envoys",
    "aircraft", "warplanes", "jets", "tanks", "helicopters", "ships", "warships", "navy", "people",
    "peacekeepers", "peacekeeping troops", "observers", "monitors", "doctors", "workers", "students",
    "farmers", "citizens", "nationals", "civilians", "prisoners", "refugees", "demonstrators", "protesters",
    "activists", "lawmakers", "legislators", "deputies", "police", "border patrol", "agents", "experts",
    # weapons and units: "hit by a Russian missile" is an act of Russia
    "missile", "missiles", "drone", "drones", "rocket", "rockets", "artillery", "warplane", "fighter jets",
    "bombers", "submarine", "submarines", "warship", "gunboats", "patrol boats", "vessels", "coast guard ships",
    "navy ships", "battalion", "battalions", "brigade", "brigades", "units", "contingent", "military units",
}
GROUP_NOUNS = {"rebels", "militants", "guerrillas", "guerrilla", "insurgents", "separatists", "militiamen",
               "militia", "extremists", "fundamentalists", "hackers", "opposition", "fighters", "bombers",
               "settlers", "dissidents", "rebel group", "militias"}
#: Adjectives allowed between a demonym and an actor noun ("Israeli riot police").
ACTOR_ADJECTIVES = {
    "senior", "top", "armed", "military", "security", "foreign", "defence", "defense", "interim", "new", "local",
    "national", "federal", "provincial", "regional", "special", "riot", "border", "naval", "ruling", "opposition",
    "elite", "state", "official", "former", "main", "rebel", "government", "government-backed", "pro-government",
    "anti-government", "radical", "militant", "islamist", "islamic", "communist", "leftist", "rightist",
    "nationalist", "separatist", "ethnic", "young", "angry", "striking", "civilian", "peacekeeping", "allied",
    "coalition", "caretaker", "transitional", "constitutional", "supreme", "high", "paramilitary", "secret",
    "intelligence", "air", "navy", "army", "police", "traditional", "religious", "muslim", "moslem", "christian",
    "jewish", "catholic", "protestant", "hindu", "buddhist", "kurdish", "tamil", "shiite", "sunni",
}
LOCATIVE_PREPS = {"in", "at", "to", "from", "into", "near", "across", "toward", "towards", "through", "outside",
                  "inside", "within", "around", "via"}
NONSUBJECT_PREPS = LOCATIVE_PREPS | {
    "with", "of", "for", "against", "on", "between", "over", "about", "by", "under", "among", "after",
    "before", "during", "like", "than", "including", "upon", "amid", "despite", "since", "concerning",
    "regarding", "beside", "besides", "behind", "beyond", "unlike", "per", "ahead",
}
AUX = {"has", "have", "had", "is", "are", "was", "were", "be", "been", "being", "will", "would", "shall",
       "should", "could", "can", "may", "might", "must", "did", "does", "do", "also", "again", "today",
       "not", "never", "reportedly", "finally", "jointly", "strongly", "sharply", "publicly", "recently",
       "later", "then", "still", "already", "yesterday", "formally", "officially", "repeatedly", "bluntly",
       "firmly", "openly", "swiftly", "further", "once", "now", "just", "routinely", "allegedly", "each",
       "both", "all", "on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
       "last", "this", "week", "month", "year", "night", "morning", "tonight", "had", "'ve"}
#: Participles that after "be" are adjectives with their own complement ("is opposed to", "are engaged in").
ADJ_PARTICIPLES = {"opposed", "committed", "engaged", "involved", "prepared", "determined", "interested",
                   "concerned", "resolved", "dedicated", "devoted", "inclined", "satisfied", "worried",
                   "disappointed", "pleased", "convinced", "united", "divided", "split", "opposed", "angered",
                   "alarmed", "troubled", "disturbed", "dismayed", "outraged", "frustrated", "willing", "ready"}
BE_FORMS = {"is", "are", "was", "were", "be", "been", "being", "has been", "have been", "had been"}
SPEECH_VERBS = {
    "said", "says", "say", "stated", "states", "added", "adds", "told", "tells", "reiterated", "reiterates",
    "noted", "notes", "declared", "declares", "insisted", "insists", "warned", "warns", "stressed",
    "stresses", "emphasised", "emphasized", "explained", "remarked", "wrote", "writes", "argued", "argues",
    "asserted", "claimed", "claims", "announced", "announces", "tweeted", "posted", "continued",
    "concluded", "replied", "responded", "observed", "acknowledged", "admitted", "affirmed", "highlighted",
    "described", "called", "urged", "urges", "cautioned", "recalled", "pointed out", "confirmed", "vowed",
    "promised", "pledged", "underlined", "underscored", "maintained", "suggested", "predicted", "lamented",
}
#: The speech verbs as one regex alternation, longest first.
_SPEECH_ALT = "|".join(sorted((re.escape(v) for v in SPEECH_VERBS), key=len, reverse=True))
PRONOUNS_SG = {"he", "she", "his", "her", "him"}
PRONOUNS_PL = {"they", "their", "them"}
POSS_PRON = {"its", "their", "his", "her"}
ALLY_NOUNS = {"allies", "partners", "neighbours", "neighbors", "friends", "backers"}
PAIR_RX = re.compile(r"^(?:both|the\s+two|the\s+three|the\s+four|the\s+five)\s+(nations|countries|states|sides|governments|leaders|ministers|"
                     r"men|women|neighbours|neighbors|allies|parties)$", re.IGNORECASE)
NEGATIVE_CHAR = {"destabilising", "destabilizing", "dangerous", "provocative", "threat", "escalatory",
                 "unacceptable", "irresponsible", "reckless", "illegitimate", "counterproductive",
                 "regrettable", "deplorable", "outrageous", "aggressive", "hostile", "unjustified", "absurd",
                 "baseless", "unfounded", "hypocritical", "shameful", "disgraceful", "illegal", "unlawful",
                 "violation", "breach", "crime", "aggression", "terrorism", "genocide", "coercive", "bullying",
                 "interference", "concern", "worrying", "alarming", "not conducive", "escalation", "provocation",
                 "setback", "disappointment", "blow to", "mistake", "betrayal", "disgrace", "farce", "sham"}
ACCUSE_CHAR = {"violation", "breach", "crime", "crimes", "illegal", "unlawful", "aggression", "terrorism",
               "genocide", "war crime", "war crimes", "interference"}
RULE_WORDS = re.compile(r"\b(?:resolutions?|laws?|treaty|treaties|convention|conventions|agreement|accords?|"
                        r"charter|sanctions|ceasefire|norms?|rules?)\b", re.IGNORECASE)
AGREEMENT_HEADS = r"(?:pacts?|treaty|treaties|agreements?|accords?|deals?|(?:memorandum|memorandums|memoranda)(?:\s+of\s+understanding)?|partnership|alliance|charter|declaration|convention)"
NOMINAL_EVENT_CODES = {"040", "041", "042", "045", "046", "090", "100", "111", "112", "130", "139", "141", "143",
                       "145", "173", "183", "186", "190", "195", "202", "203", "087"}


# --------------------------------------------------------------------------------------------
# data structures
# --------------------------------------------------------------------------------------------

@dataclass
class Mention:
    """A reference to an actor in the text (absolute character offsets)."""

    start: int
    end: int
    entry: GazEntry
    form: str  # name alias demonym capital person surname body people group pronoun place
    ti: int = 0  # first token index in the sentence
    tj: int = 0  # one past the last token index
    possessor_of: str | None = None  # noun after "'s"
    members: tuple[GazEntry, ...] = ()  # anaphora resolving to several actors

    @property
    def actors(self) -> tuple[GazEntry, ...]:
        return self.members or (self.entry,)


@dataclass
class Group:
    mentions: list[Mention]

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end

    @property
    def actors(self) -> list[GazEntry]:
        out: list[GazEntry] = []
        for m in self.mentions:
            for a in m.actors:
                if a not in out:
                    out.append(a)
        return out


@dataclass
class Trigger:
    start: int
    end: int
    code: str
    verbal: bool
    head: str  # first word, lower-case
    modality: str = "reported"
    condition: str | None = None
    absorbed: bool = False
    marker_start: int | None = None  # start of an intent/threat/demand marker
    demand_target: Group | None = None
    must: bool = False  # "X said Y must ...": a demand of X on Y
    self_agent: bool = False  # a passive whose subject's own state is the agent ("troops were sent")


@dataclass
class CodedEvent:
    """An event as the coder sees it: CAMEO code, actors and recipients, sentence and trigger spans."""

    code: str
    sentence: tuple[int, int]
    trigger: tuple[int, int]
    evidence: tuple[int, int]
    actors: list[GazEntry] = field(default_factory=list)
    actor_spans: list[tuple[int, int]] = field(default_factory=list)
    targets: list[GazEntry] = field(default_factory=list)
    target_spans: list[tuple[int, int]] = field(default_factory=list)
    place: GazEntry | None = None
    date: str | None = None
    modality: str = "reported"
    condition: str | None = None
    characterisations: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    claim: str | None = None
    agreement: str | None = None
    model_type: str | None = None
    id: str = ""
    nominal: bool = False
    subject: list[GazEntry] | None = None  # grammatical subject when it is not the actor (passive voice)
    #: the state an actor the text gives no state stands for, from the sentence's context (see
    #: ``_Extractor.context_state``): (state, "location" | "sentence"), or None
    context_state: tuple[GazEntry, str] | None = None
    #: indexes into ``actors`` of actors whose own state the context replaces ("ethnic Albanians")
    context_actors: tuple[int, ...] = ()


@dataclass
class StatementDraft:
    speaker: GazEntry
    quote: tuple[int, int]
    direct: bool
    verb: str | None
    about: list[GazEntry]
    sentence: tuple[int, int]


@dataclass
class ClaimDraft:
    id: str
    text: tuple[int, int]
    evidence: tuple[int, int]
    about: list[GazEntry]
    alleged_by: list[GazEntry]
    denied_by: list[GazEntry] = field(default_factory=list)
    violates: list[GazEntry] = field(default_factory=list)
    words: set[str] = field(default_factory=set)


@dataclass
class HoldingDraft:
    person: GazEntry
    office: str
    country: GazEntry | None
    span: tuple[int, int]


@dataclass
class AgreementDraft:
    id: str
    name: str
    head: str
    span: tuple[int, int]
    parties: list[GazEntry] = field(default_factory=list)
    signatories: list[GazEntry] = field(default_factory=list)
    signed: str | None = None
    provisions: list[tuple[str, tuple[int, int], str, str | None]] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything the extractor found in one article (before conversion to model facts)."""

    text: str
    sentences: list[tuple[int, int]]
    entities: dict[str, GazEntry]
    events: list[CodedEvent]
    statements: list[StatementDraft]
    claims: list[ClaimDraft]
    holdings: list[HoldingDraft]
    agreements: list[AgreementDraft]
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# CAMEO -> model event type
# --------------------------------------------------------------------------------------------

def model_type(code: str) -> str | None:
    """The ontology's event class for a CAMEO code, or None when the ontology has no class for it.

    >>> model_type("042"), model_type("036"), model_type("112"), model_type("190")
    ('Visit', 'Negotiation', 'Accusation', None)
    """
    if code == "016":
        return "Denial"
    if code == "042":
        return "Visit"
    if code == "043":
        return "HostVisit"
    if code in ("040", "041", "044"):
        return "Meeting"
    if code in ("045", "046", "036", "038", "039"):
        return "Negotiation"
    if code in ("051", "052", "053"):
        return "Endorsement"
    if code == "057":
        return "AgreementSigning"
    if code[:2] == "03":
        return "AidProvision" if code in ("033", "0331", "0332", "0333", "0334") else "Commitment"
    if code[:2] == "07":
        return "AidProvision"
    if code in ("110", "111", "113"):
        return "Criticism"
    if code in ("112", "114", "115"):
        return "Accusation"
    return None


# --------------------------------------------------------------------------------------------
# the extractor
# --------------------------------------------------------------------------------------------

class _Run:
    """State of one extraction run over one article."""

    def __init__(self, text: str, published: str | None, gaz: Gazetteer) -> None:
        self.text = text
        self.published = published
        self.gaz = gaz
        self.entities: dict[str, GazEntry] = {}
        self.persons: dict[str, GazEntry] = {}  # surface (full name, surname) -> person
        self.recent: list[GazEntry] = []  # actors in order of mention
        self.events: list[CodedEvent] = []
        self.statements: list[StatementDraft] = []
        self.claims: list[ClaimDraft] = []
        self.holdings: list[HoldingDraft] = []
        self.agreements: list[AgreementDraft] = []
        self.last_group: list[GazEntry] = []
        self.snapshot: list[GazEntry] = []
        self._mention_spans: list[tuple[int, int]] = []
        self._possessive_ends: set[int] = set()
        self._groups: list[Group] = []  # the current sentence's actor groups
        self._gaz_toks: list[Token] | None = None
        self._gaz_memo: dict[int, tuple[int, object] | None] = {}
        self.prev_subject: GazEntry | None = None  # the person subject of the previous sentence, if any
        self.last_speaker: GazEntry | None = None  # the last person quoted directly

    # ---- entities -------------------------------------------------------------------------
    def use(self, e: GazEntry) -> GazEntry:
        if e.id not in self.entities:
            self.entities[e.id] = e
        return self.entities[e.id]

    def note_actor(self, e: GazEntry) -> None:
        if e in self.recent:
            self.recent.remove(e)
        self.recent.append(e)

    def last_person(self) -> GazEntry | None:
        for e in reversed(self.recent):
            if e.type == "Person":
                return e
        return None

    def last_states(self, n: int = 2) -> list[GazEntry]:
        out: list[GazEntry] = []
        for e in reversed(self.recent):
            st = e if e.type == "State" else (self.entities.get(e.country) if e.country else None)
            if st is not None and st.type == "State" and st not in out:
                out.append(st)
            if len(out) == n:
                break
        return list(reversed(out))

    def pair_members(self, noun: str, current: list[Mention], want: int = 2) -> list[GazEntry]:
        """Antecedents of "both nations" / "the two leaders": two actors of this sentence, else of the discourse."""
        persons = noun in ("leaders", "ministers", "men", "women")
        if noun == "ministers":  # "the four ministers": people who hold a ministerial office, if enough are known
            ministers = {h.person.id for h in self.holdings if re.search(r"(?i)minister|secretary", h.office)}
            if len([e for e in self.snapshot if e.id in ministers]) >= want:
                cur = [a for m in current for a in m.actors if a.id in ministers]
                if len(cur) >= want:
                    return cur[-want:]
                return [e for e in self.snapshot if e.id in ministers][-want:]
        here: list[GazEntry] = []
        for m in current:
            for a in m.actors:
                x = a if persons else (a if a.type == "State" else self.entities.get(a.country or ""))
                if x is not None and (x.type == "Person" if persons else x.type == "State") and x not in here:
                    here.append(x)
        if len(here) >= want:
            return here[-want:]
        snap = self.snapshot
        out: list[GazEntry] = []
        for e in reversed(snap):
            x = e if persons else (e if e.type == "State" else self.entities.get(e.country or ""))
            if x is not None and (x.type == "Person" if persons else x.type == "State") and x not in out:
                out.append(x)
            if len(out) == want:
                break
        return list(reversed(out))

    def last_persons(self, n: int = 2) -> list[GazEntry]:
        out = [e for e in reversed(self.recent) if e.type == "Person"][:n]
        return list(reversed(out))

    # ---- mentions -------------------------------------------------------------------------
    def span_text(self, toks: list[Token], i: int, j: int) -> str:
        return self.text[toks[i].start:toks[j - 1].end]

    def gaz_at(self, toks: list[Token], i: int) -> tuple[int, object] | None:
        """Longest gazetteer match starting at token i: (end index, Hit) (memoised per sentence)."""
        if toks is not self._gaz_toks:
            self._gaz_toks, self._gaz_memo = toks, {}
        if i in self._gaz_memo:
            return self._gaz_memo[i]
        r = self._gaz_at(toks, i)
        self._gaz_memo[i] = r
        return r

    def _gaz_at(self, toks: list[Token], i: int) -> tuple[int, object] | None:
        best = None
        if not toks[i].is_cap and not toks[i].text[:1].isdigit() and not (
                toks[i].text[:3] in ("al-", "el-") and toks[i].text[3:4].isupper()):  # "al-Qaeda"
            return None
        first = toks[i].text.split("-")[0]
        width = self.gaz.first_words.get(first) or self.gaz.first_words.get(first.replace("’", "'"))
        if width is None:
            return None
        maxw = min(len(toks), i + width)
        for j in range(maxw, i, -1):
            form = " ".join(self.span_text(toks, i, j).split())
            hit = self.gaz.lookup(form)
            if hit is None and "’" in form:
                hit = self.gaz.lookup(form.replace("’", "'"))
            if hit is not None:
                best = (j, hit)
                break
        return best

    def person_at(self, toks: list[Token], i: int) -> tuple[int, Mention, HoldingDraft | None] | None:
        """Office-introduced person: [Demonym|Country's] Title+ Name (tokens i..)."""
        n = len(toks)
        w0 = toks[i].lower.rstrip(".")
        if not toks[i].is_cap and w0 not in TITLE_HEADS and w0 not in TITLE_MODIFIERS:
            return None
        if w0 in _FUNCTION_WORDS:
            return None  # "the government of President X": the mention starts at the title
        k = i
        country: GazEntry | None = None
        prefix = self.gaz_at(toks, k)
        if prefix is not None:
            j, hit = prefix
            if hit.entry.type == "State" and hit.form in ("demonym", "name", "alias", "capital"):  # type: ignore[attr-defined]
                country = hit.entry  # type: ignore[attr-defined]
                k = j
                if k < n and toks[k].text in ("’s", "'s"):
                    k += 1
            elif hit.entry.type == "InternationalOrganization":  # type: ignore[attr-defined]
                country = hit.entry  # type: ignore[attr-defined]
                k = j
            else:
                return None
        t0 = k
        head_at = -1
        while k < n:
            w = toks[k].lower.rstrip(".")
            if w in TITLE_HEADS:
                head_at = k
                k += 1
                continue
            if w in TITLE_MODIFIERS or (w == "-" and head_at >= 0):
                k += 1
                continue
            if toks[k].text == "." and k > t0 and toks[k - 1].lower in _ABBREV_TITLES:
                k += 1  # "Lt. Gen.": the abbreviation's full stop
                continue
            break
        if head_at < 0:
            return None
        k = head_at + 1
        if k < n and toks[k].text == "." and toks[head_at].lower in _ABBREV_TITLES:
            k += 1
        # "Secretary of State", "Minister for Foreign Affairs": a capitalised portfolio after of/for
        if k + 1 < n and toks[k].lower in ("of", "for") and toks[k + 1].is_cap and \
                toks[k + 1].lower in _PORTFOLIO_WORDS:
            j = k + 1
            while j < n and toks[j].is_cap and toks[j].lower in _PORTFOLIO_WORDS | {"and"} or \
                    (j < n and toks[j].lower == "and" and j + 1 < n and toks[j + 1].is_cap):
                j += 1
            head_at = j - 1
            k = j
        # title must not end in "of"/"and"
        title_toks = toks[t0:k]
        if not title_toks:
            return None
        # name: capitalised tokens
        ns = k
        while k < n and k - ns < 5:
            t = toks[k]
            if t.is_cap and t.text not in ("The", "A", "An") and t.lower not in TITLE_HEADS and t.lower not in (
                    "on", "in") and not _is_month_or_day(t.text):
                g = self.gaz.lookup(t.text)
                if g is not None and g.entry.type != "Person" and k == ns:
                    break
                if g is not None and g.entry.type in ("State", "InternationalOrganization") and k > ns:
                    break
                k += 1
                continue
            if t.lower in PARTICLES and k > ns and k + 1 < n and toks[k + 1].is_cap:
                k += 1
                continue
            if re.fullmatch(r"(?:[A-Z]\.){1,3}", t.text) and k + 1 < n and toks[k + 1].is_cap:
                k += 1
                continue
            break
        if k == ns:
            # "the president of Armenia", "the foreign minister of Japan": the state acting through its office
            of_state = self._of_state(toks, head_at + 1)
            if of_state is not None:
                k2, st = of_state
                office = _office_title(self.span_text(toks, t0, head_at + 1))
                app = self._apposition(toks, i, k2, st, office)
                if app is not None:
                    return app
                return k2, Mention(toks[i].start, toks[k2 - 1].end, self.use(st), "title", i, k2), None
            return None
        of_state = self._of_state(toks, k)  # "King Hassan of Morocco"
        if of_state is not None and country is None:
            country = of_state[1]
        name = self.span_text(toks, ns, k)
        if len(name) < 3:
            return None
        person = self.register_person(name, country)
        if country is not None and country.type == "InternationalOrganization" and person.org is None:
            person.org = country.id
        office = _office_title(self.span_text(toks, t0, head_at + 1))
        if of_state is not None and of_state[1] is country:
            k = of_state[0]
        holding = None
        if office and toks[t0].lower not in ("former", "ousted", "outgoing", "then"):
            holding = HoldingDraft(person, office, country, (toks[i].start, toks[k - 1].end))
        m = Mention(toks[i].start, toks[k - 1].end, person, "person", i, k)
        return k, m, holding

    def _name_run(self, toks: list[Token], j: int) -> int:
        """End of a run of 2-4 capitalised name tokens starting at j that names no known actor, else j."""
        n = len(toks)
        k = j
        while k < n and k - j < 4 and toks[k].is_cap and toks[k].text.isalpha() or (
                k < n and k > j and "-" in toks[k].text and toks[k].is_cap):
            if self.gaz.lookup(toks[k].text) is not None or _is_month_or_day(toks[k].text) or \
                    toks[k].lower in TITLE_HEADS or toks[k].lower in _FUNCTION_WORDS:
                break
            k += 1
        return k if k - j >= 2 else j

    def _apposition(self, toks: list[Token], i: int, k2: int, state: GazEntry,
                    office: str) -> tuple[int, Mention, HoldingDraft | None] | None:
        """A name in apposition to an office of a state, after it ("Iran’s foreign minister, Ali Vaezi,")
        or before it ("Ali Vaezi, the foreign minister of Iran,"): one person mention with that country."""
        n = len(toks)
        if state.type != "State":
            return None
        if k2 + 2 < n and toks[k2].text == ",":
            e = self._name_run(toks, k2 + 1)
            if e > k2 + 1 and (e == n or toks[e].text in (",", ".", ";") or (toks[e].lower.isalpha() and
                                                                              not toks[e].is_cap)):
                name = self.span_text(toks, k2 + 1, e)
                person = self.register_person(name, state)
                span = (toks[i].start, toks[e - 1].end)
                return e, Mention(span[0], span[1], person, "person", i, e), HoldingDraft(person, office, state, span)
        c = i - 1
        if c >= 1 and toks[c].lower in ("the", "a", "an"):
            c -= 1
        if c >= 2 and toks[c].text == ",":
            b = c
            while b - 1 >= 0 and c - (b - 1) <= 4 and toks[b - 1].is_cap and toks[b - 1].text[:1].isalpha():
                b -= 1
            if c - b >= 2 and (b == 0 or not toks[b - 1].is_cap) and self._name_run(toks, b) == c:
                name = self.span_text(toks, b, c)
                person = self.register_person(name, state)
                span = (toks[b].start, toks[k2 - 1].end)
                return k2, Mention(span[0], span[1], person, "person", b, k2), HoldingDraft(person, office, state, span)
        return None

    def _of_state(self, toks: list[Token], k: int) -> tuple[int, GazEntry] | None:
        """"of [the] <State>" at token k (not followed by "'s"): (end index, state), else None."""
        n = len(toks)
        if k + 1 >= n or toks[k].lower != "of":
            return None
        j = k + 1
        if toks[j].lower == "the" and j + 1 < n:
            j += 1
        g = self.gaz_at(toks, j)
        if g is None:
            return None
        end, hit = g
        e: GazEntry = hit.entry  # type: ignore[attr-defined]
        if e.type != "State" or hit.form == "demonym" or (end < n and toks[end].text in ("’s", "'s")):  # type: ignore[attr-defined]
            return None
        return end, e

    def register_person(self, name: str, country: GazEntry | None) -> GazEntry:
        name = " ".join(name.split())
        if name in self.persons:
            p = self.persons[name]
            if country is not None and p.country is None and country.type == "State":
                p.country = country.id
            return p
        hit = self.gaz.lookup(name)
        if hit is not None and hit.entry.type == "Person":
            known = self.entities.get(hit.entry.id)
            if known is None:  # a per-article copy: the office context must not leak into the shared gazetteer
                known = GazEntry(hit.entry.id, "Person", hit.entry.name, qid=hit.entry.qid,
                                 country=hit.entry.country, aliases=set(hit.entry.aliases))
            if known.country is None and country is not None and country.type == "State":
                known.country = country.id
            p = self.use(known)
        else:
            p = self.use(GazEntry(slugify(name), "Person", name,
                                  country=country.id if country is not None and country.type == "State" else None))
        if country is not None:
            self.use(country)
        parts = name.split()
        self.persons[name] = p
        if len(parts) >= 2:
            for alias in (parts[-1], parts[0]):
                if alias not in self.persons and self.gaz.lookup(alias) is None and (
                        len(alias) > 2 or (alias.isalpha() and alias.istitle())):  # "Li", "Wu"
                    self.persons[alias] = p
                    if alias != name:
                        p.aliases.add(alias)
        return p

    def mentions(self, toks: list[Token], s0: int, s1: int) -> list[Mention]:
        out = _NotingList(self)
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            # people introduced by office
            pm = self.person_at(toks, i)
            if pm is not None:
                k, m, holding = pm
                prev = out[-1] if out else None
                if prev is not None and m.entry.country is None and m.entry.org is None and \
                        not self.text[prev.end:m.start].strip():
                    st = prev.entry if prev.entry.type == "State" else self.entities.get(prev.entry.country or "")
                    if st is not None and st.type == "State":
                        m.entry.country = st.id
                if holding is not None:
                    self.holdings.append(holding)
                out.append(m)
                i = k
                continue
            # known people (full name or surname)
            if t.is_cap:
                done = False
                for j in range(min(n, i + 4), i, -1):
                    form = " ".join(self.span_text(toks, i, j).split())
                    if form in self.persons:
                        out.append(Mention(t.start, toks[j - 1].end, self.persons[form], "person", i, j))
                        i = j
                        done = True
                        break
                if done:
                    continue
            g = self.gaz_at(toks, i)
            if g is not None:
                j, hit = g
                entry: GazEntry = hit.entry  # type: ignore[attr-defined]
                form: str = hit.form  # type: ignore[attr-defined]
                # Demonym/Country's + body / people / group noun
                k = j
                poss = k < n and toks[k].text in ("’s", "'s")
                if poss:
                    k += 1
                if poss and entry.type == "State" and i >= 3 and toks[i - 1].text == ",":
                    # "Salaheddine Sidhoum, Algeria’s leading rights activist, ...": the name before is its person
                    b = i - 1
                    while b - 1 >= 0 and (i - 1) - (b - 1) <= 4 and toks[b - 1].is_cap and toks[b - 1].text[:1].isalpha():
                        b -= 1
                    close = next((x for x in range(k, min(n, k + 8)) if toks[x].text == ","), None)
                    if (i - 1) - b >= 2 and (b == 0 or not toks[b - 1].is_cap) and self._name_run(toks, b) == i - 1 \
                            and close is not None and not any(m.end > toks[b].start for m in out):
                        person = self.register_person(self.span_text(toks, b, i - 1), entry)
                        self.use(entry)
                        out.append(Mention(toks[b].start, toks[close - 1].end, person, "person", b, close))
                        i = close
                        continue
                te2 = _thing_name_end(toks, j)
                if te2 is not None:  # "Quad Critical Minerals Initiative": part of the name of a thing
                    i = te2
                    continue
                nounm = _proper_org_at(toks, k) if entry.type == "State" else None
                if nounm is None:
                    nounm = _noun_at(toks, k)
                if nounm is None and entry.type == "State" and form in ("demonym", "name") and not poss and k < n:
                    # "Bosnian Serbs", "Kosovo Albanians": a people of another nation living in this state
                    h2 = self.gaz_at(toks, k)
                    if h2 is not None and h2[1].form == "demonym" and h2[1].entry is not entry and \
                            toks[h2[0] - 1].lower.endswith("s"):  # type: ignore[attr-defined]
                        nounm = ("group", _noun_at(toks, h2[0])[1] if _noun_at(toks, h2[0]) else h2[0])
                if nounm is None and entry.type in ("State", "InternationalOrganization"):
                    te = _title_end(toks, k)
                    if te is not None:
                        nounm = ("people", te)
                        app = self._apposition(toks, i, te, entry, _office_title(self.span_text(toks, k, te)))
                        if app is not None:  # "Iran’s foreign minister, Ali Vaezi, ..."
                            k2, m, holding = app
                            if holding is not None:
                                self.holdings.append(holding)
                            out.append(m)
                            i = k2
                            continue
                if entry.type == "InternationalOrganization" and nounm is not None:
                    out.append(Mention(t.start, toks[nounm[1] - 1].end, self.use(entry), "people", i, nounm[1]))
                    i = nounm[1]
                    continue
                if entry.type == "State" and nounm is not None:
                    kind, k2 = nounm
                    phrase = self.span_text(toks, i, k2)
                    if kind == "body":
                        if poss and toks[k].is_cap:  # "South Korea’s National Intelligence Service": a proper name
                            phrase = self.span_text(toks, k, k2)
                        body = self.use(GazEntry(slugify(phrase), "GovernmentBody", _body_name(phrase),
                                                 country=entry.id))
                        self.use(entry)
                        out.append(Mention(t.start, toks[k2 - 1].end, body, "body", i, k2))
                    elif kind == "org":
                        name = self.span_text(toks, k if poss else i, k2)
                        head = toks[k2 - 1].lower
                        etype = "GovernmentBody" if head in _GOV_HEADS else "Organization"
                        org = self.use(GazEntry(slugify(name), etype, name, country=entry.id))
                        self.use(entry)
                        out.append(Mention(t.start, toks[k2 - 1].end, org, "body", i, k2))
                    elif kind == "group":
                        grp = self.use(GazEntry(slugify(phrase), "Group", phrase, country=entry.id))
                        self.use(entry)
                        out.append(Mention(t.start, toks[k2 - 1].end, grp, "group", i, k2))
                    else:
                        out.append(Mention(t.start, toks[k2 - 1].end, self.use(entry), "people", i, k2))
                    i = k2
                    continue
                if entry.type == "Person":
                    entry = self.register_person(entry.name, self.entities.get(entry.country or ""))
                surface = " ".join(self.span_text(toks, i, j).split()).replace("’", "'")
                if form == "capital" and surface in INSTITUTION_METONYMS:
                    # "the State Department said": the ministry itself, a body of its state
                    full = INSTITUTION_METONYMS[surface]
                    body = self.use(GazEntry(slugify(full), "GovernmentBody", full, aliases={surface},
                                             country=entry.id))
                    self.use(entry)
                    out.append(Mention(t.start, toks[j - 1].end, body, "body", i, j))
                    i = j
                    continue
                m = Mention(t.start, toks[j - 1].end, self.use(entry), form, i, j)
                if poss and k < n:
                    m.possessor_of = toks[k].lower
                out.append(m)
                i = j
                continue
            # "Vietnamese-led forces", "US-led coalition": the leading state acts
            if t.lower.endswith("-led") and t.is_cap:
                hit = self.gaz.lookup(t.text[:-4])
                if hit is not None and hit.entry.type in ("State", "InternationalOrganization"):
                    nm = _noun_at(toks, i + 1)
                    if nm is None and i + 1 < n and toks[i + 1].lower in ("coalition", "alliance", "mission",
                                                                          "operation", "force", "bloc"):
                        nm = ("people", i + 2)
                    if nm is not None:
                        out.append(Mention(t.start, toks[nm[1] - 1].end, self.use(hit.entry), "people", i, nm[1]))
                        i = nm[1]
                        continue
            # "its allies", "Washington's allies"
            if t.lower in ("its", "their") and i + 1 < n and toks[i + 1].lower in ALLY_NOUNS:
                ref = out[-1].entry if out and out[-1].entry.type == "State" else None
                if ref is None and self.last_states(1):
                    ref = self.last_states(1)[0]
                if ref is not None:
                    grp = self.use(GazEntry(f"allies-of-{ref.id}", "Group", f"allies of {_the(ref.name)}",
                                            country=ref.id))
                    out.append(Mention(t.start, toks[i + 1].end, grp, "group", i, i + 2))
                    i += 2
                    continue
            # "both nations", "the two countries"
            if t.lower in ("both", "the") and i + 2 < n or (t.lower == "both" and i + 1 < n):
                for j in (i + 2, i + 3):
                    if j <= n and PAIR_RX.match(" ".join(x.text for x in toks[i:j])):
                        noun = toks[j - 1].lower
                        want = {"three": 3, "four": 4, "five": 5}.get(toks[i + 1].lower, 2)
                        members = self.pair_members(noun, out, want)
                        if len(members) == want:
                            out.append(Mention(t.start, toks[j - 1].end, members[0], "pronoun", i, j,
                                               members=tuple(members)))
                        i = j - 1
                        break
            # "the agency", "the ministry": the body last named (a definite description of it)
            if t.lower == "the" and i + 1 < n and toks[i + 1].lower in _BODY_ANAPHORS and \
                    not (i + 2 < n and (toks[i + 2].lower in ("of", "for", "’s", "'s") or toks[i + 2].is_cap)):
                noun = toks[i + 1].lower
                ref = next((e for e in reversed(self.snapshot + [a for m in out for a in m.actors])
                            if e.type in ("GovernmentBody", "Organization", "InternationalOrganization") and
                            (noun in e.name.lower() or noun in ("agency", "body", "organisation", "organization"))),
                           None)
                if ref is not None:
                    out.append(Mention(t.start, toks[i + 1].end, ref, "pronoun", i, i + 2))
                    i += 2
                    continue
            # "the ministers", "the leaders" (no number): the people last named together
            if t.lower == "the" and i + 1 < n and toks[i + 1].lower in ("ministers", "leaders") and \
                    not (out and out[-1].tj == i) and len(self.last_group) >= 2 and \
                    all(a.type == "Person" for a in self.last_group) and \
                    not (i + 2 < n and toks[i + 2].lower in ("of", "from")):
                out.append(Mention(t.start, toks[i + 1].end, self.last_group[0], "pronoun", i, i + 2,
                                   members=tuple(self.last_group)))
                i += 2
                continue
            # pronouns
            if t.lower in PRONOUNS_SG and t.lower != "her" or (t.lower == "her"):
                p = self.last_person()
                named_here = any(m.entry.type == "Person" and m.form != "pronoun" for m in out)
                if self.prev_subject is not None and not named_here:
                    p = self.prev_subject  # no person named yet in this sentence: the last sentence's subject
                elif self.last_speaker is not None and not named_here and t.lower in ("he", "she") and \
                        re.search(r"[”\"],?\s*$", self.text[s0:t.start]):
                    p = self.last_speaker  # "“…,” she said": the last person quoted
                if p is not None:
                    m = Mention(t.start, t.end, p, "pronoun", i, i + 1)
                    if t.lower in ("his", "her"):
                        m.possessor_of = toks[i + 1].lower if i + 1 < n else None
                    out.append(m)
            elif t.lower == "their" and i + 1 < n and toks[i + 1].lower in (
                    "meeting", "talks", "meetings", "conversation", "call", "discussion", "discussions", "summit") \
                    and len(self.last_persons(2)) == 2:
                pair = self.last_persons(2)
                m = Mention(t.start, t.end, pair[0], "pronoun", i, i + 1, members=tuple(pair))
                m.possessor_of = toks[i + 1].lower
                out.append(m)
            elif t.lower in ("it", "its") and _reported_pronoun(toks, i):
                ref = next((m for m in reversed(out) if m.form != "pronoun" and m.entry.type != "Person"), None)
                if ref is not None:
                    out.append(Mention(t.start, t.end, ref.entry, "pronoun", i, i + 1, members=ref.members))
            elif t.lower in ("they", "their") and _reported_pronoun(toks, i) and any(
                    m.form != "pronoun" or len(m.members) >= 2 for m in out):
                # "the four ministers said they ...": the plural subject, named or itself anaphoric
                ref = next(m for m in reversed(out) if m.form != "pronoun" or len(m.members) >= 2)
                g = [m for m in out if m.form != "pronoun" or len(m.members) >= 2]
                members = tuple(a for m in g[-2:] for a in m.actors) if len(g) >= 2 and \
                    self.text[g[-2].end:g[-1].start].strip() in ("and", ",", ", and") else ref.actors
                out.append(Mention(t.start, t.end, members[0], "pronoun", i, i + 1, members=members))
            elif t.lower in PRONOUNS_PL and self.last_group and len(self.last_group) >= 2:
                m = Mention(t.start, t.end, self.last_group[0], "pronoun", i, i + 1,
                            members=tuple(self.last_group))
                if t.lower == "their":
                    m.possessor_of = toks[i + 1].lower if i + 1 < n else None
                out.append(m)
            i += 1
        for m in out:  # "Wong’s visit": the mention is a possessor
            if m.possessor_of is None and m.tj + 1 < n and toks[m.tj].text in ("’s", "'s"):
                m.possessor_of = toks[m.tj + 1].lower
        return out


def _reported_pronoun(toks: list[Token], i: int) -> bool:
    """A pronoun subject of reported speech: "X said it would ...", "X says they will ...", "X and its ..."."""
    prev = [t.lower for t in toks[max(0, i - 3):i]]
    nxt = toks[i + 1].lower if i + 1 < len(toks) else ""
    if any(w in ("said", "says", "say", "announced", "added", "stated", "declared", "told", "warned", "insisted",
                 "that", "confirmed", "claimed", "believes", "reported") for w in prev):
        return nxt not in (",", ".")
    return False


class _NotingList(list):  # type: ignore[type-arg]
    """A list of mentions that records each appended mention as the most recent actor."""

    def __init__(self, run: "_Run") -> None:
        super().__init__()
        self._run = run

    def append(self, m: Mention) -> None:  # type: ignore[override]
        super().append(m)
        if m.form != "pronoun":
            for a in m.actors:
                self._run.note_actor(a)


def _title_end(toks: list[Token], k: int) -> int | None:
    """End of an office title with no name after it ("Vice Foreign Minister visited"), else None."""
    n = len(toks)
    j = k
    head = -1
    while j < n:
        w = toks[j].lower.rstrip(".")
        if w in TITLE_HEADS:
            head = j
        elif w not in TITLE_MODIFIERS or w in ("of", "and", "the", "for"):
            break
        j += 1
    if head < 0:
        return None
    end = head + 1
    if end < n and toks[end].is_cap and not _is_month_or_day(toks[end].text):
        return None  # a name follows: person_at handles it
    return end


def _is_month_or_day(w: str) -> bool:
    return w.lower() in {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
                         "friday", "saturday", "sunday"}


def _office_title(s: str) -> str:
    words = [w for w in s.replace("’s", "").split() if w.lower() not in ("the", "senior", "top", "new", "acting")]
    out = []
    for w in words:
        out.append(w if w.lower() in ("of", "and", "for") else (w[:1].upper() + w[1:]))
    return " ".join(out)


def _body_name(phrase: str) -> str:
    return phrase.replace("’s", "").replace("'s", "") if False else phrase


def _the(name: str) -> str:
    return ("the " + name) if name in ("United States", "United Kingdom", "Netherlands", "Philippines",
                                        "United Arab Emirates", "Czech Republic") else name


#: Last words of organisation names ("Serbian Workers' Union", "Kenya Anti-Corruption Commission").
_ORG_HEADS = {"union", "party", "commission", "council", "committee", "front", "movement", "association",
              "federation", "congress", "assembly", "court", "agency", "authority", "bank", "forum", "alliance",
              "league", "institute", "foundation", "corporation", "company", "organisation", "organization",
              "ministry", "parliament", "senate", "office", "department", "service", "tribunal", "commission",
              "board", "bureau", "society", "coalition", "army", "guard", "directorate", "chamber"}
#: Of those, the heads that name a body of the state.
_GOV_HEADS = {"commission", "council", "ministry", "parliament", "senate", "court", "agency", "authority",
              "office", "department", "service", "tribunal", "bureau", "directorate", "assembly", "army", "guard",
              "congress", "chamber", "board"}


#: Last words of names of things that are not actors ("Pacific Policing Initiative", "Belt and Road Forum").
_THING_HEADS = {"initiative", "initiatives", "dialogue", "strategy", "program", "programme", "plan", "fund", "project",
                "declaration", "act", "framework", "compact", "zone", "corridor", "games", "cup", "award", "prize",
                "festival", "exhibition", "expo", "conference", "summit", "week", "day", "scheme", "road", "highway",
                "pipeline", "bridge", "airport", "port", "university", "stadium", "hotel", "street", "square",
                "visa", "dollar", "dollars", "time", "airlines", "airways", "tower", "center", "centre"}


def _thing_name_end(toks: list[Token], j: int) -> int | None:
    """End of a name that a gazetteer word begins but that names a thing ("Quad Critical Minerals
    Initiative", "Australia Day"), else None."""
    n = len(toks)
    k = j
    while k < n and k - j < 6 and (toks[k].is_cap and toks[k].text[:1].isalpha() or
                                   (toks[k].lower in ("and", "of", "for") and k + 1 < n and toks[k + 1].is_cap)):
        if toks[k].lower in _THING_HEADS and toks[k].is_cap:
            return k + 1
        k += 1
    return None


def _proper_org_at(toks: list[Token], k: int) -> tuple[str, int] | None:
    """A capitalised organisation name after a state's name or demonym ("[Serbian] Workers’ Union",
    "[Kenya] Anti-Corruption Commission"): ("org", end index), else None."""
    n = len(toks)
    j = k
    last = -1
    while j < n and j - k < 6:
        t = toks[j]
        if t.is_cap and t.text[:1].isalpha():
            if _is_month_or_day(t.text):
                break
            if t.lower in _ORG_HEADS:
                last = j
        elif t.text in ("’", "'") and j > k:
            pass
        elif t.lower in ("of", "for", "and") and j > k and j + 1 < n and toks[j + 1].is_cap:
            pass
        else:
            break
        j += 1
    if last < 0 or last == k and toks[k].lower in ("parliament", "army", "senate", "congress", "ministry"):
        return None  # a single body noun is handled as a government body ("Lithuanian Parliament")
    return "org", last + 1


def _noun_at(toks: list[Token], k: int) -> tuple[str, int] | None:
    """An actor noun (body / people / group) starting at token k (skipping one adjective)."""
    n = len(toks)
    for skip in (0, 1):
        kk = k + skip
        for width in (3, 2, 1):
            if kk + width > n:
                continue
            phrase = " ".join(t.lower for t in toks[kk:kk + width])
            if phrase in BODY_NOUNS:
                return "body", kk + width
            if phrase in GROUP_NOUNS:
                return "group", kk + width
            if phrase in PEOPLE_NOUNS:
                return "people", kk + width
        if skip == 0 and (k >= n or (toks[k].lower not in ACTOR_ADJECTIVES and not (
                toks[k].is_cap and toks[k].text.isalpha() and not _is_month_or_day(toks[k].text)))):
            break
    return None


# --------------------------------------------------------------------------------------------
# groups, clauses, roles
# --------------------------------------------------------------------------------------------

_JOINERS = {"and", ",", "&", "as well as", "both", "the", "or"}


def _groups(text: str, ms: list[Mention]) -> list[Group]:
    """Join mentions separated only by "and", commas, "as well as" into compound groups."""
    out: list[Group] = []
    for m in ms:
        if out:
            prev = out[-1].mentions[-1]
            gap = text[prev.end:m.start].strip().lower()
            gap = re.sub(r"\s+", " ", gap)
            if prev.possessor_of is None and gap in ("and", ",", ", and", "&", "as well as", ", as well as",
                                                     "and the", ", and the", ", the", "or", "and its", "and their"):
                out[-1].mentions.append(m)
                continue
        out.append(Group([m]))
    # a bare comma joins only a list closed by "and": "A, B and C"; otherwise split
    fixed: list[Group] = []
    for g in out:
        cur = [g.mentions[0]]
        seps = [re.sub(r"\s+", " ", text[a.end:b.start].strip().lower()) for a, b in zip(g.mentions, g.mentions[1:])]
        for k, m in enumerate(g.mentions[1:]):
            sep = seps[k]
            if sep in (",", ", the") and not any("and" in x or "as well as" in x for x in seps[k + 1:]):
                fixed.append(Group(cur))
                cur = [m]
            else:
                cur.append(m)
        fixed.append(Group(cur))
    return fixed


def _clause_bounds(text: str, s0: int, s1: int, pos: int) -> tuple[int, int]:
    """The clause around ``pos``: bounded by ';', ':', relative ', who/which', ' but ', dashes."""
    seps = re.compile(r";|:\s|\s[–—]\s|,\s+(?:who|whom|which|where|while|whereas|but|although|though|as)\b|\sbut\s"
                      r"|\swhose\s"
                      r"|,\s+according\s+to\b|\bwhile\b")
    left, right = s0, s1
    for m in seps.finditer(text, s0, s1):
        if m.end() <= pos:
            left = m.end()
        elif m.start() >= pos:
            right = m.start()
            break
    return left, right


def _prev_word(text: str, pos: int, lo: int) -> str:
    """The word before ``pos`` (not before ``lo``), lower-case, skipping punctuation and spaces."""
    i = pos
    while i > lo and not (text[i - 1].isalnum() or text[i - 1] in _WORD_EXTRA):
        i -= 1
    j = i
    while j > lo and (text[j - 1].isalnum() or text[j - 1] in _WORD_EXTRA):
        j -= 1
    return text[j:i].lower()


_WORD_EXTRA = "_’'-"


_QUANT_OF = re.compile(r"\b(?:group|groups|members|member|thousands|hundreds|dozens|scores|some|many|most|one|two|"
                       r"three|several|majority|number|delegation|team|leaders|supporters|millions|tens|all|none|"
                       r"each|both|part|units|unit|contingent|deployment|batch|patch|wing|government|regime|"
                       r"administration|forces|troops|army|military|police|cabinet|ministry|parliament|envoys?|"
                       r"spokes(?:man|woman|person)|representatives?|loyalists|followers|allies|officials|"
                       r"authorities|junta|embassy)\s+of\s+(?:the\s+)?$", re.I)


def _is_prepositional(text: str, g: Group, lo: int) -> bool:
    w = _prev_word(text, g.start, lo)
    if w in ("of", "the") and _QUANT_OF.search(text[max(lo, g.start - 50):g.start]):
        return False  # "members of the Quad", "the government of Peru": the head noun acts for its complement
    if w in NONSUBJECT_PREPS:
        return True
    # "... of the Quad", "between the two" : skip determiners/adjectives once
    m = re.search(r"([\w’'-]+)\s+(?:the|a|an|its|their|his|her)\s*$", text[lo:g.start])
    return bool(m and m.group(1).lower() in NONSUBJECT_PREPS)


def _possessive_nonactor(g: Group) -> bool:
    last = g.mentions[-1]
    return last.possessor_of is not None


#: Head nouns of an unnamed actor noun phrase ("Ibo traditional elders", "the fundamentalist Umma party").
UNNAMED_HEADS = {
    "leaders", "elders", "chiefs", "people", "residents", "villagers", "citizens", "workers", "students", "farmers",
    "refugees", "prisoners", "detainees", "inmates", "protesters", "demonstrators", "supporters", "followers",
    "activists", "dissidents", "opponents", "fundamentalists", "militants", "rebels", "guerrillas", "insurgents",
    "separatists", "militiamen", "militia", "militias", "extremists", "gunmen", "fighters", "hackers", "settlers",
    "group", "groups", "party", "parties", "coalition", "union", "unions", "front", "movement", "alliance",
    "opposition", "organisation", "organization", "organizations", "organisations", "association", "forum",
    "committee", "council", "federation", "foundation", "society", "institute", "league", "network", "congress",
    "government", "administration", "authorities", "officials", "police", "army", "military", "troops", "forces",
    "soldiers", "junta", "regime", "parliament", "court", "judges", "lawmakers", "legislators", "clerics",
    "monks", "priests", "bishops", "unionists", "traders", "merchants", "youths", "veterans", "mob", "crowd",
    "crowds", "strikers", "watchdog", "agency", "charity", "charities",
}
#: Heads of proper names of civil-society bodies ("the Third World Water Forum"): coded NGO when no state
#: is named in them; parties, unions, fronts, movements, coalitions are domestic political actors instead.
NGO_NAME_HEADS = {"association", "forum", "foundation", "society", "institute", "committee", "network", "watch",
                  "federation", "league"}
_NGO_GENERIC = re.compile(r"(?i)\b(?:human[- ]rights|rights|aid|relief|humanitarian|charity|advocacy|"
                          r"environmental|press[- ]freedom|medical)\s+(?:groups?|organi[sz]ations?|agency|"
                          r"agencies|watchdogs?|charity|charities|bodies|body)$")
_SUBJ_LEAD = re.compile(r"(?i)^(?:(?:an?|the|some|about|around|up\s+to|nearly|almost|more\s+than|over|at\s+least|"
                        r"several|many|most|[\d,]+|hundreds|thousands|tens|dozens|scores|millions|one|two|three|"
                        r"four|five|six|seven|eight|nine|ten|group|groups|members|member|leaders|leader|supporters|"
                        r"representatives|some|of|the|a|an)\s+)+")
_SUBJ_TAIL = re.compile(r"(?i)(?:\s+(?:has|have|had|is|are|was|were|will|would|also|again|reportedly|finally|"
                        r"yesterday|today|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
                        r"(?:last|this)\s+(?:week|month|year|night)|monday|tuesday|wednesday|thursday|friday|"
                        r"saturday|sunday|\w+ly|at\s+last|now|still|on\s+\w+\s+\d+|in\s+\w+|"
                        r"(?:began|begun|started|continued|continuing|launched|staged|staging|went\s+on)"
                        r"(?:\s+(?:their|its|a|an|the))?))+$")


#: A clause opening "NP, apposition," before its verb: the apposition starts with a determiner or a name.
_APPOSITION_BEFORE = re.compile(r"\s*[A-Z][^,;:“”\"]{0,80},\s+(?:an?\s|the\s|[A-Z])[^,;:“”\"]{0,100},\s*$")


def _unnamed_subject(text: str, a: int, b: int) -> tuple[str, int, int, bool] | None:
    """An actor noun phrase the dictionaries do not know, as the subject of a clause [a, b): "Ibo traditional
    elders (have demanded)", "The Homeland Union (Conservatives) (began)", "Leaders of the X coalition
    (agreed)". Returns (name, start, end, is_ngo) or None when the text before the verb is not such a
    noun phrase (it must end in an actor head noun and hold no verb, pronoun or clause)."""
    seg = text[a:b]
    m = re.match(r"\s*", seg)
    st = a + (m.end() if m else 0)
    seg = text[st:b].rstrip()
    tail = _SUBJ_TAIL.search(seg)
    if tail:
        seg = seg[:tail.start()]
    seg = seg.rstrip(" ,")
    if not seg or len(seg) > 160 or re.search(r"[“”\"—;:]|\b(?:that|which|who|he|she|it|they|we|said|says|"
                                              r"when|after|before|while|if|because|and)\b", seg):
        return None
    core = re.split(r",(?!\d)|\s+(?:in|at|based|operating|loyal|affiliated|from|near|across|inside)\b", seg)[0]
    core_np = re.sub(r"\s*\([^)]*\)", "", core).strip()
    words = core_np.split()
    if not words or len(words) > 9 or len(core_np) > 70:
        return None
    lead = _SUBJ_LEAD.match(core_np + " ")
    rest = core_np[lead.end():] if lead else core_np
    rest_words = rest.split()
    if not rest_words:
        return None
    head = rest_words[-1].lower().strip("’'")
    caps = [w for w in rest_words if w[:1].isupper()]
    org_head = next((w.lower() for w in rest_words if w[:1].isupper() and w.lower() in NGO_NAME_HEADS), None)
    if head not in UNNAMED_HEADS and org_head is None:
        return None
    if any(w.lower() in ("of", "for", "and") for w in rest_words) and org_head is None:
        return None  # "the leaders of the coalition" reduces to its last noun phrase; anything else is too loose
    is_ngo = bool(_NGO_GENERIC.search(rest)) or (org_head is not None and len(caps) >= 2)
    end = st + len(core.rstrip())
    return rest if len(rest) < len(core_np) or not lead else core_np, st, end, is_ngo


class _Extractor(_Run):
    def run(self) -> Extraction:
        text = self.text
        sents = sentences(text, body_lines(text))
        first_words = _trigger_index()
        for s0, s1 in sents:
            toks = tokenize(text, s0, s1)
            if not toks:
                continue
            self.snapshot = list(self.recent)
            ms = self.mentions(toks, s0, s1)
            self._mention_spans = [(m.start, m.end) for m in ms]
            self._possessive_ends = {m.end for m in ms if m.possessor_of is not None}
            groups = _groups(text, ms)
            self._groups = groups
            quotes = _quotes(text, s0, s1)
            triggers = self.triggers(toks, s0, s1, first_words, quotes)
            dates = find_dates(text, self.published, s0, s1)
            sent_events: list[CodedEvent] = []
            self._pending_included = None
            for tr in triggers:
                if tr.absorbed:
                    continue
                ev = self.roles(tr, groups, s0, s1, sent_events, toks)
                if ev is None:
                    continue
                self.attach_date(ev, dates, s0, s1)
                sent_events.append(ev)
            sent_events = self._merge_where_legs(sent_events)
            if self._pending_included is not None:
                at, mev = self._pending_included
                g = next((g for g in groups if 0 <= g.start - at <= 6), None)
                if g is not None:
                    for a in g.actors:
                        if a not in mev.targets and a not in mev.actors:
                            mev.targets.append(a)
            self.characterise(sent_events, s0, s1, quotes, groups)
            self.agreements_in(groups, sent_events, s0, s1, dates)
            self.claims_in(sent_events, groups, s0, s1)
            self.quotations(quotes, groups, s0, s1, ms)
            n_before = len(self.statements)
            self.indirect(groups, s0, s1, ms, quotes)
            for st in self.statements[n_before:]:
                self.reported_allegation(st, sent_events, groups, s0, s1)
            self.speech_acts(sent_events, groups, s0, s1, ms)
            for ev in sent_events:
                self.context_state(ev, groups)
            self.events.extend(sent_events)
            subj = next((ev.actors[0] for ev in sent_events if not ev.nominal and len(ev.actors) == 1 and
                         ev.actors[0].type == "Person" and ev.subject is None), None)
            self.prev_subject = subj
            for g in groups:
                acts = g.actors
                for a in acts:
                    self.note_actor(a)
                if len(acts) >= 2 and all(a.type in ("State", "Person") for a in acts):
                    self.last_group = acts
        self.finish()
        return Extraction(text, sents, self.entities, self.events, self.statements, self.claims,
                          self.holdings, self.agreements)

    def _state(self, e: GazEntry | None) -> GazEntry | None:
        """The state an entry is or belongs to (a person, body, group or place: its ``country``)."""
        if e is None:
            return None
        if e.type == "State":
            return e
        st = self.entities.get(e.country or "") or (self.gaz.entries.get(e.country or "") if e.country else None)
        return st if st is not None and st.type == "State" else None

    def context_state(self, ev: CodedEvent, groups: list[Group]) -> None:
        """The news-wire convention for actors the sentence gives no state: a person introduced by a
        domestic title only ("President Ana Lopez"), an organisation or group with no nationality ("the
        Freedom Party", "hundreds of people"), "ethnic X" (a people living outside X), or no actor at all
        (an agentless passive "was arrested in Lima", an unattributed "car bomb"), stand for the state where
        the act happens; failing a location, an actor of the first two kinds stands for the one state the
        sentence names (a wire story about one country leaves its own actors' nationality unsaid), not
        counting a state named as the recipient itself ("threatened Russia": acts on a state by name are
        acts of another one) unless it is a destination or location ("returning to Peru"), but counting its bodies, people and possessions ("the Ugandan opposition",
        "Algeria's elections"). Not for visits, meetings, talks and aid (they cross borders), except
        hosting, which happens at home. The result is marked as inferred in the PLOVER output (``"from_context"``), never a fact."""
        text = self.text
        if ev.code[:2] in ("04", "07") and ev.code != "043":
            return  # visits, meetings, talks and aid cross borders: where they happen says nothing of who acts
        ethnic = tuple(k for k, sp in enumerate(ev.actor_spans[:len(ev.actors)])
                       if re.search(r"\bethnic\s+$", text[max(0, sp[0] - 8):sp[0]], re.I))
        lacking = [k for k, a in enumerate(ev.actors) if self.gaz.iso_of(a) is None or k in ethnic]
        if ev.actors and not lacking:
            return
        own = {id(self._state(ev.actors[k])) for k in ethnic}
        where = self._state(ev.place)
        if where is not None and id(where) not in own:
            ev.context_state, ev.context_actors = (where, "location"), tuple(lacking)
            return
        if not ev.actors:
            return  # no actor and no place: nothing says whose act it is
        states: list[GazEntry] = []
        tspans = set(ev.target_spans)
        for g in groups:
            for m in g.mentions:
                if m.start >= ev.sentence[1] or m.end <= ev.sentence[0] or m.form == "pronoun":
                    continue
                if (m.start, m.end) in tspans and m.entry.type == "State" and m.possessor_of is None and \
                        m.form not in ("people", "body", "group", "demonym") and \
                        _prev_word(text, m.start, ev.sentence[0]) not in LOCATIVE_PREPS:
                    continue  # "threatened Russia", "declared that Chile must": a state acted on is another one
                for a in m.actors:
                    st = self._state(a)
                    if st is not None and id(st) not in own and st not in states:
                        states.append(st)
        if len(states) == 1 or (ethnic and states):
            ev.context_state, ev.context_actors = (states[0], "sentence"), tuple(lacking)

    def _merge_where_legs(self, evs: list[CodedEvent]) -> list[CodedEvent]:
        """"began the trip in Adelaide, where he toured the zoo": the visit in a "where" clause is the
        same visit as the one it describes (same actor), not another one."""
        out: list[CodedEvent] = []
        for ev in evs:
            prev = next((o for o in reversed(out) if o.code == "042" and ev.code == "042" and o.actors
                         and set(a.id for a in o.actors) == set(a.id for a in ev.actors)), None)
            if prev is not None and re.search(r",\s+where\s", self.text[prev.trigger[1]:ev.trigger[0]]):
                if ev.place is not None and prev.place is None:
                    prev.place = ev.place
                continue
            out.append(ev)
        return out

    # ---- triggers -------------------------------------------------------------------------
    def triggers(self, toks: list[Token], s0: int, s1: int, first_words: dict[str, list[lexicon.Pattern]],
                 quotes: list[tuple[int, int]]) -> list[Trigger]:
        text = self.text
        cands: dict[int, lexicon.Pattern] = {}
        for t in toks:
            for p in first_words.get(t.lower, ()):
                cands[id(p)] = p
        found: list[tuple[int, int, lexicon.Pattern]] = []
        for p in cands.values():
            for m in p.regex.finditer(text, s0, s1):
                if any(q0 <= m.start() < q1 for q0, q1 in quotes):
                    continue
                head = m.group().split()[0].lower()
                if p.verbal and not _verb_context_ok(text, m.start(), m.end(), s0, head):
                    continue
                if not p.verbal and _is_modifier_noun(text, m.start(), m.end(), s1):
                    continue
                a = m.start()
                if p.verbal and head in ("support", "back", "host", "visit", "attack", "strike", "protest",
                                         "demand", "release", "return", "aid", "meet", "trip", "tour") and not re.search(
                        r"(?:\b(?:will|would|to|shall|can|could|may|might|must|should|not|and|or|also|they|we|i|you|"
                        r"jointly|strongly|firmly|fully|to)\s+|[’']ll\s+)$", text[max(s0, a - 14):a], re.I) \
                        and not self._after_mention(a):
                    continue  # a bare base form after a noun is a noun ("budget support", "his visit")
                found.append((m.start(), m.end(), p))
        # longest match wins; drop matches inside a longer one starting at the same or earlier place
        found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        chosen: list[tuple[int, int, lexicon.Pattern]] = []
        for f in found:
            if any(c[0] <= f[0] < c[1] and c[2].code == f[2].code for c in chosen):
                continue
            if any(c[0] == f[0] for c in chosen):
                continue
            chosen.append(f)
        # a gap pattern that contains another trigger's head keeps it only if codes differ in kind
        trs: list[Trigger] = []
        for a, b, p in chosen:
            head = text[a:b].split()[0].lower()
            if not p.verbal and _is_modifier_noun(text, a, b, s1):
                continue
            if p.verbal and not _verb_context_ok(text, a, b, s0, head):
                continue
            if re.search(r"\b(?:not|never|n[’']t|no\s+longer)\s+(?:\w+ly\s+)?$", text[max(s0, a - 20):a]) and \
                    not re.search(r"\b(?:will|would|shall|wo)\s*(?:not|n[’']t)\s+(?:\w+ly\s+)?$", text[max(s0, a - 20):a]):
                continue  # negated: "did not deny" (but "will not accept" is a refusal)
            if text[a:a + 1].isupper() and a > s0 and (not p.verbal or not re.search(r"[“\"(]\s*$", text[s0:a])):
                continue  # a capitalised noun mid-sentence is part of a name ("Strategic Dialogue")
            if any(m0 <= a < m1 for m0, m1 in self._mention_spans):
                continue
            trs.append(Trigger(a, b, p.code, p.verbal, head))
        # nested: a trigger whose span lies inside another (longer) one is dropped
        trs = [t for t in trs if not any(o is not t and o.start <= t.start and t.end <= o.end and
                                          (o.end - o.start) > (t.end - t.start) for o in trs)]
        # "Chilean troops were sent to Bolivia": military support by the troops' own state (072)
        for m in _TROOPS_SENT.finditer(text, s0, s1):
            v0, v1 = m.span("v")
            if not any(t.start <= v0 < t.end for t in trs):
                tr = Trigger(v0, v1, "072", True, m.group("v").lower())
                tr.self_agent = True
                trs.append(tr)
        # "X said (that) Y must V ...": a demand of X on Y (10), whatever V is
        for m in _SAID_MUST.finditer(text, s0, s1):
            v0, v1 = m.span("verb")
            if m.group("verb").lower() in ("be", "not", "have") or any(q0 <= m.start() < q1 for q0, q1 in quotes):
                continue
            if any(m.start("aux") <= t.start <= v1 + 25 and not re.search(r"\bto\s+$", text[v1:t.start])
                   for t in trs):
                continue  # a known act after "must": recode makes it the demand (not one in a purpose clause)
            tr = Trigger(v0, v1, "100", True, m.group("verb").lower())
            tr.marker_start = m.start("aux")
            tr.must = True
            trs.append(tr)
        # "X said (that) it would V ...": a stated intention of the speaker (CAMEO 030) when V is no other act
        for m in _SAID_WOULD.finditer(text, s0, s1):
            v0, v1 = m.span("verb")
            if m.group("verb").lower() == "not" and not any(q0 <= m.start() < q1 for q0, q1 in quotes):
                # "X said it will not V": a stated refusal (12), unless V is a known act (re-coded as refused)
                nm = re.match(r"\s+(?:\w+ly\s+)?([a-z]+)\b", text[v1:s1])
                if nm and nm.group(1) not in ("be", "have", "need", "want", "like", "hesitate", "rule", "stop"):
                    r0, r1 = v1 + nm.start(1), v1 + nm.end(1)
                    if not any(m.start("aux") <= t.start <= r1 for t in trs) and \
                            not any(m0 <= r0 < m1 for m0, m1 in self._mention_spans):
                        tr = Trigger(r0, r1, "120", True, nm.group(1))
                        tr.marker_start = m.start("aux")
                        trs.append(tr)
                continue
            if m.group("verb").lower() in _NOT_INTENT_VERBS or any(q0 <= m.start() < q1 for q0, q1 in quotes):
                continue
            if any(m.start("aux") <= t.start <= v1 for t in trs):  # the verb is a known act itself
                continue
            if any(m0 <= v0 < m1 for m0, m1 in self._mention_spans):
                continue
            tr = Trigger(v0, v1, "030", True, m.group("verb").lower(), modality="planned")
            tr.marker_start = m.start("aux")
            trs.append(tr)
        trs.sort(key=lambda t: t.start)
        self.recode(trs, s0, s1)
        return trs

    def _after_mention(self, a: int) -> bool:
        """True when an actor mention ends right before ``a`` (its subject: "Japan backs ...")."""
        return any(0 <= a - m1 <= 2 and m1 not in self._possessive_ends for _, m1 in self._mention_spans)

    def recode(self, trs: list[Trigger], s0: int, s1: int) -> None:
        """Intent / threat / refusal / demand markers before a trigger re-code it."""
        text = self.text
        for t in trs:
            lo = max(s0, t.start - 120)
            before = text[lo:t.start]
            # for nouns, look before a light verb: "plan to initiate a dialogue"
            if not t.verbal:
                lm = re.search(r"\b(?:to\s+)?(?:initiate|launch|start|begin|hold|conduct|open|resume|have|make|"
                               r"pay|attend|host|organi[sz]e|convene)\s+(?:[\w-]+\s+){0,3}$", before, re.I)
                if lm:
                    before = before[:lm.start()] + ("to " if lm.group().lower().startswith("to") else "")
            mk = None
            for rx, kind in ((lexicon.THREAT_RX, "threat"), (lexicon.REFUSE_RX, "refuse"),
                             (lexicon.DEMAND_RX, "demand"), (lexicon.INTENT_RX, "intent")):
                m = rx.search(before)
                if m:
                    mk = (kind, lo + m.start())
                    break
            if mk is None:
                if re.search(r"\b(?:will|would|shall)\s+(?:[\w-]+ly\s+)?$", before, re.I):
                    mk = ("intent", t.start)
            if mk is not None:
                kind, at = mk
                if kind == "threat" or (kind == "intent" and lexicon.intent_of_conflict(t.code)):
                    t.code = lexicon.threat_code(t.code)
                    t.modality = "planned"
                elif kind == "refuse":
                    t.code = lexicon.refusal_code(t.code)
                elif kind == "demand":
                    t.code = lexicon.demand_code(t.code)
                elif t.code[:2] not in ("03", "10", "11", "12", "13", "01"):
                    t.code = lexicon.intent_code(t.code)
                    t.modality = "planned"
                elif t.code[:2] == "03":
                    t.modality = "planned"
                t.marker_start = at
                for o in trs:
                    if o is not t and at <= o.start < t.start and o.code[:2] in ("03", "13", "10", "12"):
                        o.absorbed = True
            # "X said Y must V": a demand of X on Y
            mm = re.search(r"\b(?:must|should|has\s+to|have\s+to|needs?\s+to|ought\s+to)\s+(?:(?:also|not|be|ready|"
                           r"willing|prepared|immediately|fully|now)\s+)*(?:to\s+)?$", before, re.I)
            if mm and t.code[:2] not in ("10",) and re.search(
                    r"\b(?:said|says|declared|reiterated|insisted|stressed|warned|told|concluded|announced|"
                    r"reminder|demanded|urged|added)\b", text[s0:lo + mm.start()]):
                t.code = lexicon.demand_code(t.code)
                t.marker_start = lo + mm.start()
                t.must = True  # type: ignore[attr-defined]
            # conditional
            lo2, hi2 = _clause_bounds(text, s0, s1, t.start)
            seg = text[t.end:hi2]
            if t.verbal and re.search(r",\s*$", text[lo2:t.start]):
                seg = seg.split(",")[0]  # a reduced relative clause ends at its comma
            cm = re.search(r"\b(?:if|unless|provided\s+that)\s+([^,;.]+)", seg)
            if cm and t.code[:2] not in ("01",):
                t.condition = cm.group(1).strip()
                if t.modality == "planned" and re.match(r"\s*unless", text[t.end + cm.start():], re.I) \
                        and t.code[:2] not in ("13", "10"):
                    t.code = "130"  # a conditional intention "unless ..." is a threat
                if t.modality == "reported":
                    t.modality = "conditional"
        # "plan to initiate a dialogue ... and conduct annual talks": a coordinated act shares the intent
        for prev, t in zip(trs, trs[1:]):
            if prev.modality == "planned" and t.modality == "reported" and prev.marker_start is not None \
                    and re.fullmatch(r"[^,;]*\band\s+(?:[\w-]+\s+){0,3}", text[prev.end:t.start] + " ") \
                    and t.code[:2] not in ("03", "10", "11", "12", "13"):
                t.code = lexicon.threat_code(t.code) if lexicon.intent_of_conflict(t.code) else lexicon.intent_code(t.code)
                t.modality = "planned"
        # a purpose infinitive ("... dollars to support it") belongs to the act before it
        for i, t in enumerate(trs):
            if t.verbal and t.marker_start is None and re.search(r"\bto\s+$", text[max(s0, t.start - 4):t.start]) \
                    and any(not o.absorbed and o.end <= t.start for o in trs[:i]):
                t.absorbed = True
        # contents of another act ("accuse X of breaching", "demand that Y withdraw") are absorbed
        for i, t in enumerate(trs):
            if t.absorbed:
                continue
            pw = _prev_word(text, t.start, s0)
            if t.verbal and text[t.start:t.end].split()[0].lower().endswith("ing") and pw in (
                    "of", "by", "for", "to", "about", "on", "in", "from", "with", "without", "into", "towards"):
                t.absorbed = True
            if pw in ("that",) and any(o.code[:2] in ("10", "11", "13") and o.start < t.start and not o.absorbed
                                       for o in trs[:i]):
                t.absorbed = True
            # "condemned the April bombing": the act criticised is the object, not an act of the critic
            if not t.verbal and any(o.verbal and o.code[:2] == "11" and not o.absorbed and re.fullmatch(
                    r"\s+(?:(?:the|a|an|any|this|that|these|those|its|their|his|her|recent|latest|[\w-]+)\s+){0,3}",
                    text[o.end:t.start]) for o in trs[:i]):
                t.absorbed = True

    # ---- roles ----------------------------------------------------------------------------
    def subject(self, groups: list[Group], lo: int, pos: int, s0: int) -> Group | None:
        text = self.text
        cands = [g for g in groups if lo <= g.start and g.end <= pos]
        if len(cands) >= 2:
            # "Pakistan, a key U.S. ally in the war, has refused ...": the noun phrase before an apposition
            # (", a/an/the ...,") is the subject, not an actor inside the apposition
            m = re.match(r",\s+(?:an?|the)\s[^,;:“”\"]{0,100},\s*(?:(?:has|have|had|is|are|was|were|will|would|"
                         r"also|\w+ly)\s+)*$", text[cands[0].end:pos])
            if m and not _is_prepositional(text, cands[0], s0) and cands[0].mentions[-1].possessor_of is None:
                return cands[0]
        for g in reversed(cands):
            if _is_prepositional(text, g, s0):
                continue
            if all(text[m.start:m.end] in ("them", "him", "us", "me") for m in g.mentions):
                continue  # an object pronoun is never the subject ("X did not deny them and instead referred")
            if g.mentions[-1].possessor_of is not None and g.mentions[-1].form != "pronoun":
                continue
            if g.mentions[-1].possessor_of is not None:
                continue
            if any(text[g.start - 1:g.start] == "(" for _ in (0,)):
                continue
            between = text[g.end:pos]
            if re.search(r"\b(?:said|says|told|according)\b", between) and not re.search(r",\s*$", between):
                continue
            return g
        # "Opposition groups in Zimbabwe are demanding ...": a plain noun phrase located in a country
        for g in cands[:1]:
            pre = text[lo:g.start]
            m = re.fullmatch(r"\s*(?:[A-Za-z][\w’'-]*\s+){1,6}(?:in|from|of)\s+(?:the\s+)?", pre)
            if m and not re.search(r",|\b(?:is|are|was|were|has|have|had|said|says|will|would)\b", pre) and \
                    g.mentions[-1].possessor_of is None and all(a.type in ("State", "Place") for a in g.actors) \
                    and not re.search(r",", text[g.end:pos]):
                return g
        return None

    def roles(self, tr: Trigger, groups: list[Group], s0: int, s1: int, prior: list[CodedEvent],
              toks: list[Token]) -> CodedEvent | None:
        text = self.text
        lo, hi = _clause_bounds(text, s0, s1, tr.start)
        trig_start = tr.marker_start if tr.marker_start is not None else tr.start
        opener = _OPENER.match(text, s0, s1)
        comma = text.find(",", s0, s1)
        if opener and comma > tr.start and not any(g for g in groups if s0 <= g.start < tr.start and not
                                                   _is_prepositional(text, g, s0)):
            hi = min(hi, comma)
            main = [g for g in groups if g.start > comma and not _is_prepositional(text, g, s0)
                    and g.mentions[-1].possessor_of is None]
            if main and (tr.verbal or not [g for g in groups if g.end <= tr.start and
                                            g.mentions[-1].possessor_of is not None]):
                objs = self.objects(groups, tr, hi, s0)
                if tr.verbal:
                    return self._event(tr, s0, s1, main[0].actors, [(m.start, m.end) for m in main[0].mentions],
                                       objs, lo, hi)
        words = text[tr.start:tr.end].split()
        first = words[0].lower()
        # passive: "was attacked by X", "has been criticised by"
        before = text[max(lo, trig_start - 30):trig_start].lower()
        passive = tr.verbal and bool(re.search(r"\b(?:is|are|was|were|be|been|being|get|got)\s+(?:\w+ly\s+)?$", before)) \
            and (first.endswith(("ed", "en")) or first in {"met", "held", "sent", "given", "taken", "shot", "signed",
                                                            "hit", "beaten", "struck", "fought", "told", "led", "made"})
        reduced_passive = False
        passive_places: list[Group] = []
        if not passive and tr.verbal and len(words) == 1 and first.endswith(("ed", "en")) and \
                re.match(r"\s+by\s", text[tr.end:tr.end + 5]) and not self._after_mention(tr.start):
            passive = True  # a reduced passive: "a plan backed by Australia"
            reduced_passive = True
        if passive and first in ADJ_PARTICIPLES and not re.match(r"\s+by\b", text[tr.start + len(first):hi]):
            passive = False  # "X is opposed to Y", "X is committed to ...": a state of X, not an act done to X
        reduced = tr.verbal and first.endswith(("ed", "en")) and re.search(r",\s*$", text[lo:tr.start]) is not None
        if reduced and _APPOSITION_BEFORE.match(text, lo, tr.start):
            reduced = False  # "The X group, the Y Front (YF), insisted ...": the verb after an apposition is the main verb
        actor_g: Group | None = None
        target_g: list[Group] = []
        # subject
        relm = re.search(r",\s+who\s+$|,\s+which\s+$", text[max(s0, lo - 8):lo] + " ") if lo > s0 else None
        shared = self._coordinated_subject(tr, trig_start, prior, s0) if tr.verbal and not passive else None
        if shared is not None:
            # "X launched A and condemned B": the second verb shares the first one's subject
            return self._event(tr, s0, s1, shared.subject if shared.subject is not None else shared.actors,
                               [] if shared.subject is not None else shared.actor_spans,
                               self.objects(groups, tr, hi, s0), lo, hi)
        if tr.verbal and not passive and first in _AFTER_VERBS:
            inv = self._speaker_after(tr, groups, lo, trig_start, s0, s1)
            if inv is not None:
                return inv
        if tr.verbal and not passive:
            actor_g = self.subject(groups, lo, trig_start, s0)
            rm = re.search(r",\s+(who|which)\s*$", text[s0:lo]) if lo > s0 else None
            if actor_g is None and rm:
                # a relative pronoun stands for the noun phrase right before its comma ("backed by Australia,
                # which pledged ..."), else the clause subject
                c = s0 + rm.start()
                ante = [g for g in groups if g.end <= c and not text[g.end:c].strip()
                        and g.mentions[-1].possessor_of is None
                        and (rm.group(1) == "which") != all(a.type == "Person" for a in g.actors)]
                actor_g = ante[-1] if ante else self.subject(groups, s0, lo, s0)
            if actor_g is None and (first.endswith("ing") or reduced):
                # participial phrase: its subject is the main clause's subject
                main = [g for g in groups if not _is_prepositional(text, g, s0) and g.mentions[-1].possessor_of is None
                        and g.start > tr.end and re.search(r",", text[tr.end:g.start])]
                if prior and prior[-1].actors:
                    actor_g = None
                    return self._event(tr, s0, s1, prior[-1].actors, prior[-1].actor_spans,
                                       self.objects(groups, tr, hi, s0), lo, hi)
                if main and first.endswith("ing"):
                    actor_g = main[0]
        elif passive or (not tr.verbal):
            pass
        # objects
        objs = self.objects(groups, tr, hi, s0)
        if passive:
            by = [g for g in objs if re.search(r"\bby\s+(?:(?:the|a|an)\s+)?$", text[max(s0, g.start - 8):g.start])]
            subj = self.subject(groups, lo, trig_start, s0)
            if reduced_passive and subj is not None and text[subj.end:trig_start].strip():
                subj = None  # only the noun right before the participle is its object
            passive_subject = subj
            if by:
                actor_g = by[0]
                objs = [subj] if subj is not None else []
            elif tr.self_agent and subj is not None:
                # "North Korean troops had been sent to Russia": the troops' state sent them
                actor_g = subj
                objs = [g for g in objs if g is not subj]
            else:
                # no agent: the subject is acted on; where it happened still counts ("was arrested in Lima")
                passive_places = [g for g in objs if g is not subj and self._locative(g, s0) is not None
                                  and len(g.actors) == 1]
                objs = [subj] if subj is not None else []
                actor_g = None
        under = not tr.verbal and re.search(r"\b(?:be|been|being|was|were|is|are|get|got|gets)\s+(?:put|placed|kept|"
                                            r"held|taken)\s+under\s+(?:\w+\s+)?$", text[lo:tr.start])
        if under:
            # "X has been put under investigation (in Y)": X is acted on, by no one named; Y is where
            subj = self.subject(groups, lo, trig_start, s0)
            passive = True
            passive_subject = subj
            passive_places = [g for g in objs if g is not subj and self._locative(g, s0) is not None
                              and len(g.actors) == 1]
            objs = [subj] if subj is not None else []
            actor_g = None
        elif not tr.verbal:
            # nominal: actor = possessor ("Wong's visit", "her trip", "their meeting") or the clause subject
            poss = [g for g in groups if g.end <= tr.start and g.mentions[-1].possessor_of is not None
                    and tr.start - g.end <= 40 and not re.search(r"[,;]", text[g.end:tr.start])]
            by_g = [g for g in objs if re.fullmatch(r"\s+by\s+(?:(?:the|a|an)\s+)?", text[tr.end:g.start])]
            if poss:
                actor_g = poss[-1]
            elif by_g:  # "the first visit by a Chinese premier"
                actor_g = by_g[0]
                objs = [g for g in objs if g is not by_g[0]]
            else:
                actor_g = self.subject(groups, lo, trig_start, s0)
                gap = text[actor_g.end:tr.start] if actor_g is not None else ""
                if actor_g is not None and re.search(r"\b(?:of|in|with|between)\s*$", gap) and not re.search(
                        r"\b(?:is|are|was|were|been|has|have|had|be|launched|began|begun|started|staged|held|"
                        r"conducted|opened|announced|carried)\b", gap):
                    actor_g = None  # "the leaders of X in talks": but "X were engaged in ethnic cleansing" keeps X
            if actor_g is None:
                ofg = [g for g in objs if re.fullmatch(r"\s+(?:of|between|by)\s+(?:(?:the|a|an)\s+)?",
                                                       text[tr.end:g.start])]
                if ofg:
                    actor_g = ofg[0]
                    objs = [g for g in objs if g is not ofg[0]]
        if tr.code[:2] == "05" and tr.code == "057":
            betw = [g for g in objs if _prev_word(text, g.start, s0) in ("between", "by")]
            if betw and (actor_g is None or reduced or passive):
                actor_g = betw[0]
                objs = [g for g in objs if g is not betw[0]]
        if getattr(tr, "must", False):
            sv = re.search(r"\b(?:said|says|declared|reiterated|insisted|stressed|warned|told|concluded|announced|"
                           r"reminder|demanded|urged|added)\b", text[s0:trig_start])
            if sv is not None:
                speaker = self.subject(groups, s0, s0 + sv.start(), s0)
                obliged = self.subject(groups, s0 + sv.end(), trig_start, s0)
                actor_g = speaker  # an unnamed speaker ("The administration declared ...") is no one here
                if obliged is not None:
                    objs = [obliged] + [g for g in objs if g is not obliged]
        if tr.demand_target is not None:
            objs = [tr.demand_target] + objs
        actors = actor_g.actors if actor_g is not None else []
        spans = [(m.start, m.end) for m in actor_g.mentions] if actor_g is not None else []
        aspect = re.search(r"\b(?:began|begun|started|continued|kept)\s+$", text[max(s0, tr.start - 12):tr.start])
        if actor_g is None and not passive and not (tr.verbal and (first.endswith("ing") and not aspect or reduced)):
            un = self._unnamed_actor(lo, trig_start, s0, speech=bool(getattr(tr, "must", False)),
                                     nominal=not tr.verbal)
            if un is not None:
                actors, spans = [un[0]], [un[1]]
        ev = self._event(replace(tr, verbal=True) if under else tr, s0, s1, actors, spans, objs, lo, hi)
        if ev is not None and passive:
            ev.subject = passive_subject.actors if passive_subject is not None else []
            if ev.place is None and passive_places and tr.code != "042":
                ev.place = self._place(passive_places[0], passive_places[0].actors[0])
        return ev

    def _speaker_after(self, tr: Trigger, groups: list[Group], lo: int, trig_start: int, s0: int,
                       s1: int) -> CodedEvent | None:
        """"Croatian authorities are failing ..., a rights group protested on Wednesday": a verb of saying
        or protesting that closes the sentence after a comma has the noun phrase between the comma and it
        as its subject, and the subject of the clause before as its target."""
        text = self.text
        if not re.fullmatch(r"(?:\s+(?:here|there|today|yesterday|on\s+\w+|in\s+a\s+statement|\w+day|"
                            r"last\s+\w+|late\s+\w+|again|angrily|sharply|strongly))*\s*[.!]?\s*",
                            text[tr.end:s1]):
            return None
        c = text.rfind(",", lo, trig_start)
        if c < 0 or c <= s0:
            return None
        between = [g for g in groups if c < g.start and g.end <= trig_start]
        if between:
            sg = between[0]
            if text[c + 1:sg.start].strip().lower() not in ("", "the", "a", "an") or text[sg.end:trig_start].strip():
                return None
            actors, spans = sg.actors, [(m.start, m.end) for m in sg.mentions]
        else:
            un = self._unnamed_actor(c + 1, trig_start, s0)
            if un is None:
                return None
            actors, spans = [un[0]], [un[1]]
        content = self.subject(groups, s0, c, s0)
        objs = [content] if content is not None and not set(content.actors) & set(actors) else []
        return self._event(tr, s0, s1, list(actors), spans, objs, lo, s1)

    def _unnamed_actor(self, lo: int, trig_start: int, s0: int, speech: bool = False,
                       nominal: bool = False) -> tuple[GazEntry, tuple[int, int]] | None:
        """The subject noun phrase of the clause (or, for a verb in reported speech, of the speech verb
        before it: "A group of elders announced that they would ...") when it names no known actor: a new
        actor with no state ("Group", or an organisation coded NGO; see :func:`_unnamed_subject`)."""
        text = self.text
        b0 = trig_start
        if nominal:  # "X continued their hunger strike", "X insisted on its demands": the verb's subject
            vm = re.search(r"\s+[a-z]+(?:ed|s|ing)\s+(?:(?:on|to|in|for)\s+)?(?:its|their|his|her|a|an|the)\s*$",
                           text[lo:trig_start])
            if vm is None:
                return None
            b0 = lo + vm.start()
        regions = [(lo, b0)]
        sv = re.search(r"\b(?:" + _SPEECH_ALT + r"|concluded|demanded|announced|urged)\b", text[s0:trig_start])
        if sv is not None and speech:
            regions.append((s0, s0 + sv.start()))  # "X declared that Y must ...": a demand of X
        elif sv is not None and re.match(r"\s+(?:\w+\s+)?(?:that\s+)?(?:it|they|he|she)\s", text[s0 + sv.end():trig_start]) \
                and not re.search(r"\b(?:unless|if|when|but|because|after|before|while|the|a|an)\b",
                                  text[s0 + sv.end():trig_start]):
            regions.append((s0, s0 + sv.start()))  # "X said it will ...": X is the subject
        for a, b in regions:
            un = _unnamed_subject(text, a, b)
            if un is None:
                continue
            name, st, en, ngo = un
            if any(m0 < en and m1 > st for m0, m1 in self._mention_spans):
                continue  # a named actor in the noun phrase: the grammar above decided about it
            name = " ".join(name.split())
            head = name.split()[-1]
            etype = "Organization" if ngo or head.lower() in _ORG_HEADS else "Group"
            e = self.use(GazEntry(slugify(name), etype, name, iso3="NGO" if ngo else None))
            return e, (st, en)
        return None

    def _coordinated_subject(self, tr: Trigger, trig_start: int, prior: list[CodedEvent],
                             s0: int) -> CodedEvent | None:
        """The earlier event of this sentence whose subject a coordinated verb shares ("... and condemned"):
        the verb follows "and" directly, with no subject of its own in between."""
        if not prior or not re.search(r"(?:,\s*|\s)and\s+(?:(?:also|then|later|\w+ly)\s+)?$",
                                      self.text[max(s0, trig_start - 40):trig_start]):
            return None
        for ev in reversed(prior):
            if not ev.nominal and ev.trigger[1] <= trig_start and (ev.actors or ev.subject):
                return ev
        return None

    def objects(self, groups: list[Group], tr: Trigger, hi: int, s0: int) -> list[Group]:
        text = self.text
        out = []
        for g in groups:
            if g.start < tr.end or g.start >= hi:
                continue
            between = text[tr.end:g.start]
            if re.search(r"\b(?:said|says|told|stated|according)\b", between) or re.search(r"[“\"]", between):
                break
            out.append(g)
        return out

    def _event(self, tr: Trigger, s0: int, s1: int, actors: list[GazEntry], actor_spans: list[tuple[int, int]],
               objs: list[Group], lo: int, hi: int) -> CodedEvent | None:
        text = self.text
        if not tr.verbal:  # a noun takes its participants through prepositions: "visit to X", "talks with Y"
            objs = [g for g in objs if "," not in text[tr.end:g.start] and re.search(
                r"\b(?:to|with|between|by|against|of|from|in|at|for|on|over|into|towards?|and)\b", text[tr.end:g.start])]
        targets: list[GazEntry] = []
        tspans: list[tuple[int, int]] = []
        place: GazEntry | None = None
        for g in objs[:3]:
            pw = self._locative(g, s0) or _prev_word(text, g.start, s0)
            ents = [a for a in g.actors if a not in actors]
            placelike = g.mentions[-1].possessor_of is None or g.mentions[-1].possessor_of in PLACE_NOUNS
            if not ents:
                if pw in ("in", "at", "near") and place is None and len(g.actors) == 1 and tr.code != "042" \
                        and placelike:
                    place = self._place(g, g.actors[0])  # "Algeria imposed a curfew in Algiers": its own territory
                continue
            if pw in ("in", "at", "near", "outside", "inside") and tr.code not in ("042",):
                if place is None and len(ents) == 1 and placelike:
                    place = self._place(g, ents[0])
                if targets:
                    continue
                if tr.code[:2] not in ("14", "17", "18", "19", "20", "09", "15", "16", "08"):
                    continue
            if targets:
                break
            if tr.code == "042" and pw in ("to", "in", "at", "") or (tr.code == "042" and not targets):
                p = self._place(g, ents[0]) if len(ents) == 1 else None
                if p is not None:
                    place = p if p.type == "Place" else None
                    st = self.entities.get(p.country or "") if p.type == "Place" else None
                    targets.append(st or ents[0])
                    tspans.append((g.start, g.end))
                    continue
            targets.extend(ents)
            tspans.extend((m.start, m.end) for m in g.mentions)
        if tr.verbal and not targets:
            # "will give Tanzania a grant": an indirect object inside the verb phrase is the recipient
            for g in self._groups:
                if tr.start < g.start and g.end <= tr.end and g.mentions[-1].possessor_of is None and \
                        all(m.form not in ("demonym",) for m in g.mentions) and \
                        re.fullmatch(r"\s*[\w-]+\s+(?:the\s+)?", text[tr.start:g.start]):
                    targets.extend(a for a in g.actors if a not in actors)
                    tspans.extend((m.start, m.end) for m in g.mentions)
                    break
        if tr.verbal and tr.code in ("110", "111") and not targets and actors:
            resp = self._responsible_for(tr.end, hi)
            if resp is not None:  # "condemned the attack in X": the target is whoever is responsible for it
                targets.extend(resp[0])
                tspans.append(resp[1])
        orphan = False
        if not actors and not targets:
            if not tr.verbal:
                return None
            orphan = True
        if tr.code == "043" and not targets:
            return None  # hosting needs a guest
        # unnamed place object of a visit: "visiting the Demilitarized Zone (DMZ)"
        if tr.code == "042" and place is None:
            pm = re.match(r"\s+(?:(?:to|in|at)\s+)?(?:the\s+)?((?:[A-Z][\w-]+\s+){0,4}[A-Z][\w-]+)(?:\s+\(([A-Z]{2,6})\))?",
                          text[tr.end:hi])
            if pm and (_is_month_or_day(pm.group(1).split()[0]) or (tr.verbal and re.match(r"\s+(?:to|in|at)\s", text[tr.end:hi])
                                                                    and not text[tr.start:tr.end].lower().startswith(("arriv", "travel", "fl")))):
                pm = None
            if pm and self.gaz.lookup(pm.group(1)) is None:
                name = pm.group(1)
                place = self.use(GazEntry(slugify(name), "Place", name,
                                          aliases={pm.group(2)} if pm.group(2) else set()))
        ev = CodedEvent(tr.code, (s0, s1), (tr.start, tr.end), (s0, s1), list(actors), list(actor_spans),
                        targets, tspans, place, None, tr.modality, tr.condition, nominal=not tr.verbal)
        ev.model_type = None if orphan else model_type(tr.code)
        if tr.code == "057":
            ev.targets, ev.target_spans = [], []
        if tr.code[:2] == "03" and tr.verbal:
            inner = [m for g in objs for m in g.mentions if tr.start <= m.start < tr.end and m.possessor_of]
            for m in inner:
                if m.entry not in ev.actors:
                    ev.actors.append(m.entry)
                    ev.actor_spans.append((m.start, m.end))
                if m.entry in ev.targets:
                    ev.targets.remove(m.entry)
        if ev.model_type == "Meeting":
            wm = re.search(r",\s+which\s+(?:included|includes|brought\s+together|involved)\s+(?:(?:[\w-]+\s+){0,3}?"
                           r"from\s+)?(?:the\s+)?", text[tr.end:s1])
            if wm:
                self._pending_included = (tr.end + wm.end(), ev)
        if ev.model_type in ("Accusation",) and ev.modality == "reported":
            ev.modality = "alleged"
        ev.topics = _topics(text, tr.end, hi) if ev.model_type in (
            "Negotiation", "Meeting", "Commitment", "Endorsement", "AidProvision") or tr.code[:2] == "03" else []
        # evidence: from the first actor mention (if in this clause) to the end of the clause
        start = min([tr.start] + [a for a, _ in actor_spans if a >= s0])
        if tr.marker_start is not None:
            start = min(start, tr.marker_start)
        end = max([tr.end] + [b for _, b in tspans])
        end = _clause_end(text, end, hi)
        ev.evidence = _trim(text, start, end)
        return ev

    def _responsible_for(self, pos: int, hi: int) -> tuple[GazEntry, tuple[int, int]] | None:
        """The unnamed perpetrators of the act a criticism is aimed at, from its object noun phrase
        ("strongly opposed any unilateral actions that ...", "condemned the terrorist attack in X")."""
        text = self.text
        m = re.match(r"\s+(?:(?:the|any|all|a|an|this|that|these|those|recent|latest)\s+)*"
                     r"((?:[\w’'-]+\s+){0,5}?(?:attacks?|actions?|acts?|moves?|bombings?|killings?|strikes?|"
                     r"shelling|violence|aggression|invasion|occupation|annexation|incursions?|crackdown|"
                     r"executions?|arrests?|coercion|provocations?|tests?|launch(?:es)?|deployments?|"
                     r"decisions?|measures?|policies|policy|activities|abuses|atrocities|crimes)\b"
                     r"(?:\s+(?:in|on|against|that|to|by|of)\b[^,;.]*)?)", text[pos:hi])
        if not m:
            return None
        a, b = _trim(text, pos + m.start(1), pos + m.end(1))
        phrase = " ".join(text[a:b].split())
        if len(phrase.split()) > 16:
            return None
        dm = re.match(r"\s+(?:the|this|that|these|those)\s+([a-z]+)\b", text[pos:hi])
        if dm:  # "called the deployment ...": the deployment reported before, by its actors
            stem = dm.group(1)[:6]
            for ev in reversed(self.events):
                if ev.actors and text[ev.trigger[0]:ev.trigger[1]].lower().startswith(stem[:5]) and \
                        ev.trigger[0] < pos:
                    return list(ev.actors), (a, b)
        name = f"those responsible for {phrase}"
        return [self.use(GazEntry(slugify(name), "Group", name))], (a, b)

    def _locative(self, g: Group, s0: int) -> str | None:
        """The locative preposition a group is the object of: "in Lima", "outside the Peruvian city of
        Cusco", "in Peru's capital Lima", "near the Peruvian border" (a demonym or possessor before a place
        noun locates the act in that state); None when it is no location."""
        text = self.text
        m = re.search(r"\b(in|at|near|outside|inside)\s+(?:of\s+)?(?:(?:the|a|an)\s+)?$", text[max(s0, g.start - 24):g.start])
        if m is None:
            return None
        last = g.mentions[-1]
        if last.possessor_of is not None:
            return m.group(1) if last.possessor_of in PLACE_NOUNS else None
        if last.form == "demonym":
            nxt = re.match(r"\s+([a-z]+)", text[last.end:last.end + 20])
            return m.group(1) if nxt and nxt.group(1) in PLACE_NOUNS else None
        if m.group(0).rstrip().endswith(("of", "the", "a", "an")) and not all(
                a.type in ("State", "Place") for a in g.actors):
            return None  # "at the State Department": a body, not a place
        return m.group(1)

    def _place(self, g: Group, e: GazEntry) -> GazEntry | None:
        m = g.mentions[0]
        if m.form == "capital":
            name = self.text[m.start:m.end]
            return self.use(GazEntry(slugify(name), "Place", name, country=e.id))
        if e.type in ("Place", "State"):
            return e
        return None

    def attach_date(self, ev: CodedEvent, dates: list, s0: int, s1: int) -> None:
        if not dates:
            return
        lo, hi = _clause_bounds(self.text, s0, s1, ev.trigger[0])
        inside = [d for d in dates if lo <= d.start < hi]
        if not inside and len(dates) == 1:
            inside = dates
        if inside:
            best = min(inside, key=lambda d: abs(d.start - ev.trigger[0]))
            ev.date = best.value

    # ---- characterisations ("labelling it as destabilising") ------------------------------
    def characterise(self, evs: list[CodedEvent], s0: int, s1: int, quotes: list[tuple[int, int]],
                     groups: list[Group]) -> None:
        text = self.text
        rx = re.compile(r"\b(?:label\w*|describ\w*|call\w*|brand\w*|term\w*|characteri[sz]\w*|highlight\w*|"
                        r"denounc\w*|condemn\w*|criticis\w*|criticiz\w*)\b[^.;]{0,80}?\bas\s+(?:an?\s+|the\s+)?")
        found = [(m, m.start() + m.group().rstrip().rfind(" as")) for m in rx.finditer(text, s0, s1)]
        found += [(m, m.start(2) - 1) for m in _CALLED_A.finditer(text, s0, s1)
                  if not any(f.start() <= m.start() < f.end() for f, _ in found)]
        found += [(m, m.end(1)) for m in _CALLED_ADJ.finditer(text, s0, s1)
                  if not any(f.start() <= m.start() < f.end() for f, _ in found)]
        for m, obj_end in found:
            chars = _char_phrases(text, m.end(), s1)
            if not chars:
                continue
            words = [c for c, _ in chars]
            self._characterisation_statement(m, chars, groups, s0, s1, quotes)
            target = None
            for ev in evs:
                if ev.code[:2] == "11" and ev.trigger[0] <= m.start():
                    target = ev
            if target is None:
                low = " ".join(words).lower()
                code = "112" if any(w in low for w in ACCUSE_CHAR) else (
                    "111" if any(w in low for w in NEGATIVE_CHAR) else None)
                if code is None:
                    continue
                # a new event: subject before the verb, object between verb and "as"
                lo, hi = _clause_bounds(text, s0, s1, m.start())
                subj = self.subject(groups, lo, m.start(), s0)
                verb_end = m.start() + len(m.group().split()[0])
                objs = [g for g in groups if verb_end <= g.start < m.end()]
                tr = Trigger(m.start(), verb_end, code, True, m.group().split()[0].lower())
                ev = self._event(tr, s0, s1, subj.actors if subj else [],
                                 [(x.start, x.end) for x in subj.mentions] if subj else [], objs, lo, hi)
                if ev is None:
                    continue
                ev.claim_text = (verb_end, obj_end)  # type: ignore[attr-defined]
                evs.append(ev)
                target = ev
            for w in words:
                if w not in target.characterisations:
                    target.characterisations.append(w)

    def _characterisation_statement(self, m: re.Match, chars: list[tuple[str, int]], groups: list[Group],
                                    s0: int, s1: int, quotes: list[tuple[int, int]]) -> None:
        """"X called them groundless", "X described the relationship as stabilising": what X said about
        something, as an indirect statement (the object and the characterisation, in X's words)."""
        text = self.text
        if any(q0 <= m.start() < q1 for q0, q1 in quotes) or not re.match(r"(?i)(?:describ|call|term|brand)",
                                                                           m.group()):
            return  # "labelling it as", "condemned it as": a characterisation inside another act
        lo, hi = _clause_bounds(text, s0, s1, m.start())
        subj = self.subject(groups, lo, m.start(), s0)
        if subj is None:
            return
        verb_end = m.start() + len(m.group().split()[0])
        last, at = chars[-1]
        end = text.find(last, at) + len(last) if text.find(last, at) >= 0 else m.end()
        a, b = _trim(text, verb_end, end)
        if b - a < 3:
            return
        about = list(dict.fromkeys(x.entry for g in groups for x in g.mentions if a <= x.start < b and
                                   x.form != "pronoun" and x.entry.type in ("State", "InternationalOrganization",
                                                                           "Person", "GovernmentBody", "Group")))
        for sp in self._speakers(subj, s0, s1):
            self.statements.append(StatementDraft(sp, (a, b), False, m.group().split()[0], about, (s0, s1)))

    def _speakers(self, g: Group, s0: int, s1: int) -> list[GazEntry]:
        """Who speaks when a group says something: each person of "the two ministers", or the organisation
        whose meeting the speakers (several people) have just held ("the four ministers said" after a
        meeting of the Quad); else the first actor of the group."""
        return self._speakers_of(g.actors, s0, s1)

    def _speakers_of(self, acts: list[GazEntry], s0: int, s1: int) -> list[GazEntry]:
        people = [a for a in acts if a.type == "Person"]
        if len(people) >= 2 and len(people) == len(acts):
            ids = {p.id for p in people}
            again = False
            for ev in reversed(self.events):
                if ev.model_type not in ("Meeting", "Negotiation"):
                    continue
                parts = list(ev.actors) + list(ev.targets)
                orgs = [a for a in parts if a.type == "InternationalOrganization"]
                if orgs and (ids <= {a.id for a in parts} or len(ids & {a.id for a in parts}) >= 2 or
                             re.search(r"(?i)\bjoint\s+statement\b", self.text[s0:s1]) or
                             (again and not any(a.type == "Person" for a in parts))):
                    return orgs[:1]
                if not orgs and ids <= {a.id for a in parts}:
                    again = True  # the same people meeting again: their organisation is that of an earlier meeting
                    continue
                break  # only the latest meeting counts
            return people
        return acts[:1]

    def speech_acts(self, evs: list[CodedEvent], groups: list[Group], s0: int, s1: int,
                    ms: list[Mention]) -> None:
        """Acts done by speaking, reported without "said": "X thanked Y for ...", "X condemned the attack
        in Z", "X objected to Y's choice of ...", "X referred to the treaty ...". The verb phrase (to the
        end of its clause) is an indirect statement of X, besides the event it may also be."""
        text = self.text
        taken = [st.quote for st in self.statements if st.sentence == (s0, s1)]
        found: list[tuple[list[GazEntry], int, str]] = []
        for ev in evs:
            head = text[ev.trigger[0]:ev.trigger[1]].split()[0].lower() if ev.trigger[1] > ev.trigger[0] else ""
            if not ev.nominal and head in _SPEECH_ACT_VERBS and ev.actors and ev.subject is None:
                found.append((list(ev.actors), ev.trigger[0], head))
        for m in re.finditer(r"\b(referred|refers|pointed|points)\s+to\b", text[s0:s1]):
            a = s0 + m.start()
            if re.search(r"\b(?:is|are|was|were|be|been|being)\s+$", text[max(s0, a - 12):a]):
                continue  # "was referred to": passive
            lo, _ = _clause_bounds(text, s0, s1, a)
            g = self.subject(groups, lo, a, s0) or (self.subject(groups, s0, a, s0) if lo > s0 else None)
            if g is not None:
                found.append((g.actors, a, m.group(1)))
        for actors, a, verb in found:
            _, hi = _clause_bounds(text, s0, s1, a)
            qa, qb = _trim(text, a, hi)
            while qb > qa and text[qb - 1] in ".!?,; ":
                qb -= 1
            if qb - qa < 12 or any(x < qb and qa < y for x, y in taken):
                continue
            about = list(dict.fromkeys(x.entry for x in ms if qa <= x.start < qb and x.form != "pronoun" and
                                       x.entry.type in ("State", "InternationalOrganization", "Person",
                                                        "GovernmentBody", "Group")))
            for sp in self._speakers_of(actors, s0, s1):
                self.statements.append(StatementDraft(sp, (qa, qb), False, verb, about, (s0, s1)))
            taken.append((qa, qb))

    # ---- agreements -----------------------------------------------------------------------
    def agreements_in(self, groups: list[Group], evs: list[CodedEvent], s0: int, s1: int, dates: list) -> None:
        text = self.text
        rx = re.compile(rf"\b((?:[\w-]+\s+){{0,3}}?){AGREEMENT_HEADS}\b", re.IGNORECASE)
        for m in rx.finditer(text, s0, s1):
            head_m = re.search(AGREEMENT_HEADS + r"$", m.group(), re.I)
            head = head_m.group().lower() if head_m else m.group().split()[-1].lower()
            mods = [w for w in m.group(1).split() if w.lower() not in ("the", "a", "an", "this", "that", "its",
                                                                      "their", "recent", "new", "landmark",
                                                                      "historic", "controversial", "same")]
            mods = [w for w in mods if not re.fullmatch(r"[A-Z][\w-]*", w) or self.gaz.lookup(w) is None]
            mods = [w for w in mods if w.islower() or w[:1].isupper()]
            after = text[m.end():s1]
            bm = re.match(r"\s+(?:between|among)\s+", after)
            parties: list[GazEntry] = []
            if bm:
                g = next((g for g in groups if g.start == m.end() + bm.end()), None)
                if g is not None:
                    parties = [a for a in g.actors]
            existing = self._agreement_ref(head, m.group(), parties)
            head_start = m.end() - len(head_m.group()) if head_m else m.start()
            signer = next((ev for ev in evs if ev.code == "057" and 0 <= head_start - ev.trigger[1] <= 30
                           and ev.agreement is None), None)
            if existing is None and not parties and signer is not None:
                # "Australia and Nauru signed a treaty": the signatories' states are its parties
                for a in signer.actors:
                    st = a if a.type == "State" else self.entities.get(a.country or "")
                    if st is not None and st.type == "State" and st not in parties:
                        parties.append(st)
            if existing is None and not parties:
                continue
            if existing is None:
                states = []
                for p in parties:
                    st = p if p.type == "State" else self.entities.get(p.country or "")
                    if st is not None and st not in states:
                        states.append(st)
                adj = " ".join(w for w in mods if w.islower())
                name = "-".join(s.name for s in states) + (" " + adj if adj else "") + " " + head
                ag = AgreementDraft(slugify(name), name.strip(), head, _trim(text, m.start(1) + (
                    len(m.group(1)) - len(m.group(1).lstrip())), m.end() + (bm.end() + (g.end - g.start) if bm and g else 0)),
                    parties=states)
                if any(a.id == ag.id for a in self.agreements):
                    ag = next(a for a in self.agreements if a.id == ag.id)
                else:
                    self.agreements.append(ag)
                existing = ag
            ag = existing
            for ev in evs:
                if ev.code != "057" and ev.code[:2] in ("11", "05", "12") and ev.trigger[1] <= m.start() + 40 \
                        and ev.agreement is None and abs(ev.trigger[1] - m.start()) < 60:
                    ev.agreement = ag.id
                if ev.code == "057" and (ev.agreement is None) and (abs(ev.trigger[0] - m.end()) < 40 or
                                                                     abs(m.start() - ev.trigger[1]) < 40):
                    ev.agreement = ag.id
                    for a in ev.actors:
                        if a.type == "Person" and a not in ag.signatories:
                            ag.signatories.append(a)
                            st = self.entities.get(a.country or "")
                            if st is not None and st not in ag.parties:
                                ag.parties.append(st)
                        elif a.type == "State" and a not in ag.parties:
                            ag.parties.append(a)
                    if ev.date and not ag.signed:
                        ag.signed = ev.date
            # provisions: "<agreement> ..., entails|commits ... X if Y"
            pm = re.search(r"\b(entails|entail|commits|obliges|requires|provides\s+for|stipulates|includes|"
                           r"guarantees|calls\s+for)\s+([^;]+?)(?:[.;]\s*$|$)", text[m.end():s1])
            if pm:
                ptxt = pm.group(2).rstrip(" .")
                pstart = m.end() + pm.start(2)
                cond = None
                cm = re.search(r"\b(?:if|unless|in\s+case)\s+(.+)$", ptxt)
                if cm:
                    cond = cm.group(1)
                ev_span = (m.end() + pm.start(1), pstart + len(ptxt))
                if not any(p[1] == ev_span for p in ag.provisions):
                    ag.provisions.append((ptxt, ev_span, "conditional" if cond else "reported", cond))

    def _agreement_ref(self, head: str, phrase: str, parties: list[GazEntry]) -> AgreementDraft | None:
        for ag in reversed(self.agreements):
            if ag.head == head and (not parties or set(p.id for p in parties) <= set(x.id for x in ag.parties) or
                                    re.match(r"(?i)the\b", phrase.strip())):
                return ag
        if self.agreements and not parties and re.search(r"(?i)\b(?:the|this|that)\s+\w+$", phrase.strip()):
            return self.agreements[-1]  # "the deal" after "an agreement": the one just reported
        return None

    # ---- claims ---------------------------------------------------------------------------
    def claims_in(self, evs: list[CodedEvent], groups: list[Group], s0: int, s1: int) -> None:
        text = self.text
        for ev in evs:
            if ev.model_type == "Accusation":
                ct = getattr(ev, "claim_text", None)
                if ct is None:
                    lo, hi = _clause_bounds(text, s0, s1, ev.trigger[0])
                    ct = (ev.trigger[1], _clause_end(text, ev.trigger[1], hi))
                a, b = _trim(text, *ct)
                if b <= a:
                    continue
                ctext = text[a:b]
                words = _content_words(ctext)
                about = [m.entry for g in groups for m in g.mentions if a <= m.start < b for _ in (0,)]
                about = [x for x in about if x.type in ("State", "Person", "InternationalOrganization", "Group")]
                about = list(dict.fromkeys(about + [t for t in ev.targets if t not in about]))
                existing = None
                for c in self.claims:
                    if (set(x.id for x in c.about) & set(x.id for x in about)) and (c.words & words):
                        existing = c
                        break
                if existing is None:
                    existing = ClaimDraft(f"claim-{len(self.claims) + 1}", (a, b), _trim(text, min(
                        [ev.trigger[0]] + [x for x, _ in ev.actor_spans]), b), about, [], words=words)
                    vm = re.search(r"\b(?:violation|violations|breach|breaches|breaching|violating)\s+(?:of\s+)?"
                                   r"((?:[A-Z][\w.-]*\s+){1,6}(?:resolutions?|[Ll]aws?|[Tt]reaty|[Cc]harter|[Cc]onvention))",
                                   text[ev.trigger[0]:s1])
                    if vm:
                        name = vm.group(1)
                        li = self.use(GazEntry(slugify(name), "LegalInstrument", name))
                        existing.violates.append(li)
                    self.claims.append(existing)
                for x in ev.actors:
                    if x not in existing.alleged_by:
                        existing.alleged_by.append(x)
                existing.words |= words
                ev.claim = existing.id
            elif ev.model_type == "Denial":
                # "deny these allegations" denies the latest claim; "denied targeting civilians" states its own
                lo, hi = _clause_bounds(text, s0, s1, ev.trigger[0])
                verb_end = ev.trigger[0] + len(text[ev.trigger[0]:ev.trigger[1]].split()[0])
                a, b = _trim(text, verb_end, _clause_end(text, ev.trigger[1], hi))
                anaphoric = re.search(r"\b(?:them|it|this|that|these|those|allegations?|accusations?|claims?|"
                                      r"charges?|reports?)\b", text[a:b])
                if not self.claims or not anaphoric:
                    if b - a < 3:
                        continue
                    self.claims.append(ClaimDraft(f"claim-{len(self.claims) + 1}", (a, b), _trim(text, min(
                        [ev.trigger[0]] + [x for x, _ in ev.actor_spans]), b), list(ev.targets), [],
                        words=_content_words(text[a:b])))
                c = self.claims[-1]
                for x in ev.actors:
                    if x not in c.denied_by:
                        c.denied_by.append(x)
                ev.claim = c.id
                ev.targets = []

    # ---- quotations -----------------------------------------------------------------------
    def quotations(self, quotes: list[tuple[int, int]], groups: list[Group], s0: int, s1: int,
                   ms: list[Mention]) -> None:
        text = self.text
        verbs = _SPEECH_ALT
        for q0, q1 in quotes:
            inner0, inner1 = q0 + 1, q1 - 1
            while inner1 > inner0 and text[inner1 - 1] in ",;: ":
                inner1 -= 1
            if inner1 <= inner0:
                continue
            speaker: GazEntry | None = None
            verb = None
            after = text[q1:s1]
            before_lo = s0
            for qq0, qq1 in quotes:
                if qq1 <= q0:
                    before_lo = max(before_lo, qq1)
            before = text[before_lo:q0]
            # "..., Wong reiterated" / "..., said Wong"
            am = re.match(rf"\s*,?\s*(?P<pre>(?:{verbs})\s+)?", after)
            g_after = [g for g in groups if q1 <= g.start and g.start - q1 <= 60]
            if g_after:
                g = g_after[0]
                gap = text[q1:g.start]
                post = text[g.end:min(s1, g.end + 40)]
                vm_pre = re.fullmatch(rf"[\s,]*(?P<v>{verbs})\s+(?:the\s+)?", gap)
                vm_post = re.match(rf"\s*(?:,[^,]{{0,60}},\s*)?(?P<v>{verbs})\b", post)
                if re.fullmatch(r"[\s,]*(?:the\s+)?", gap) and vm_post:
                    speaker, verb = g.actors[0], vm_post.group("v")
                elif vm_pre:
                    speaker, verb = g.actors[0], vm_pre.group("v")
            if speaker is None and am is not None:
                pm = re.match(rf"\s*,?\s*(?P<p>he|she|they)\s+(?P<v>{verbs})\b", after, re.I)
                if pm:
                    p = None
                    if pm.group("p").lower() != "they":
                        # "…,” he said: the previous sentence's subject, else the last person quoted, else
                        # the last person named
                        p = self.prev_subject or self.last_speaker or self.last_person()
                        if any(m.entry.type == "Person" and m.form != "pronoun" and s0 <= m.start < q0 for m in ms):
                            p = self.last_person()
                    if p is not None:
                        speaker, verb = p, pm.group("v")
            if speaker is None:
                # "Cho stated, “...”" / "X said: “...”" / "X said that “...”" / fragment inside a clause
                bm = re.search(rf"(?P<v>{verbs}|according\s+to)\s*(?:that\s*)?[,:]?\s*$", before)
                g_before = [g for g in groups if g.end <= q0 and g.start >= before_lo]
                if bm and g_before:
                    cand = [g for g in g_before if g.end <= before_lo + bm.start() + 1]
                    subj = self.subject(cand, before_lo, before_lo + bm.start(), s0) if cand else None
                    if subj is not None:
                        speaker, verb = subj.actors[0], bm.group("v")
                    elif bm.group("v").startswith("according"):
                        pass
                if speaker is None and g_before:
                    lo, hi = _clause_bounds(text, s0, s1, q0)
                    subj = self.subject(groups, max(lo, before_lo), q0, s0)
                    if subj is not None:
                        speaker = subj.actors[0]
                        vm = re.match(r"\s*(?:\w+ly\s+)?([a-z]+(?:ed|s)?)\b", text[subj.end:q0])
                        verb = vm.group(1) if vm else None
            if speaker is None:
                m2 = re.match(r"\s*,?\s*(?:according\s+to)\s+", after)
                if m2 and g_after:
                    speaker, verb = g_after[0].actors[0], "according to"
            if speaker is None:
                continue
            about = [m.entry for m in ms if inner0 <= m.start < inner1 and m.form != "pronoun"]
            about = list(dict.fromkeys(a for a in about if a.type in (
                "State", "InternationalOrganization", "Person", "GovernmentBody", "Group", "Organization")))
            self.statements.append(StatementDraft(speaker, (inner0, inner1), True, verb, about, (s0, s1)))
            self.note_actor(speaker)
            if speaker.type == "Person":
                self.last_speaker = speaker

    def indirect(self, groups: list[Group], s0: int, s1: int, ms: list[Mention], quotes: list) -> None:
        """Reported speech without quotation marks: "X said (that) ...", "..., X said", "..., according to X"."""
        text = self.text
        if not quotes:
            self._said_that(groups, s0, s1, ms)
        m = re.search(r",\s+(according\s+to(?:\s+(?:a|an|the)\s+(?:statement|report|readout|communique|"
                      r"communiqué|release|spokesman|spokeswoman|spokesperson)(?:\s+(?:issued\s+)?(?:from|by|of))?)?)\s+",
                      text[s0:s1])
        if m and not quotes:
            sp = next((g for g in groups if g.start >= s0 + m.end() and g.start - (s0 + m.end()) <= 25), None)
            if sp is None:
                return
            a, b = s0, s0 + m.start()
            # drop a leading adverbial phrase ("In addition to ..., ")
            lead = re.match(r"(?:In|On|At|After|Before|During|Following|Amid|Despite|Ahead\s+of|Besides|"
                            r"Meanwhile|Separately|However|Earlier|Later|Also)\b[^,]{0,120},\s+", text[a:b])
            if lead:
                a += lead.end()
            verb = m.group(1)
            verb = re.sub(r"\s+(?:issued\s+)?(?:from|by|of)$", "", verb)
            about = list(dict.fromkeys(x.entry for x in ms if a <= x.start < b and x.entry.type in (
                "State", "InternationalOrganization", "Person", "GovernmentBody", "Group")))
            self.statements.append(StatementDraft(sp.actors[0], (a, b), False, verb, about, (s0, s1)))

    def reported_allegation(self, st: StatementDraft, evs: list[CodedEvent], groups: list[Group], s0: int,
                            s1: int) -> None:
        """Reported speech attributing a hostile act to someone else is an allegation:
        "X said (that) Y had sent troops / attacked / violated ..." -> X accuses Y (a claim)."""
        qa, qb = st.quote
        own = {st.speaker.id, st.speaker.country or ""}
        hostile = [e for e in evs if qa <= e.trigger[0] < qb and e.actors and not own & {a.id for a in e.actors} and
                   (e.code in ("072", "128", "196") or e.code[:2] in ("15", "17", "18", "19", "20"))]
        if not hostile:
            return
        inner = hostile[0]
        targets = [a for a in inner.actors]
        ev = CodedEvent("112", (s0, s1), inner.trigger, _trim(self.text, s0, s1), [st.speaker], [],
                        targets, [], None, inner.date, "alleged")
        ev.model_type = "Accusation"
        ev.claim_text = (qa, qb)  # type: ignore[attr-defined]
        self.claims_in([ev], groups, s0, s1)
        evs.append(ev)
        for e in hostile:  # reported speech is not fact: the act lives on as the claim's content
            e.model_type = None

    def _said_that(self, groups: list[Group], s0: int, s1: int, ms: list[Mention]) -> None:
        text = self.text
        rx = re.compile(r"\b(said|says|told|tells|stated|announced|added|warned|insisted|argued|noted|confirmed|"
                        r"claimed|reiterated|stressed|emphasi[sz]ed|acknowledged|declared|asserted|maintained|"
                        r"agreed)\b"
                        r"(\s+(?:reporters|journalists|the\s+press|parliament|lawmakers))?")
        for m in rx.finditer(text, s0, s1):
            after = text[m.end():s1]
            objm = None
            if m.group(1) in ("told", "tells") and not m.group(2):
                objm = next((g for g in groups if 0 <= g.start - m.end() <= 2), None)
            start = objm.end if objm else m.end()
            tm = re.match(r"\s*(?:(?:on|in|at|late|early|last)\s+(?:[\w,]+\s+){0,4}?(?=that\b)|in\s+a\s+statement\s+|"
                          r"in\s+an\s+interview\s+)?(?:that\s+)?", text[start:s1])
            qa = start + (tm.end() if tm else 0)
            if m.group(1) not in ("said", "says", "told", "tells", "added", "stated", "warned", "insisted") and \
                    not re.search(r"\bthat\s*$", text[start:qa]):
                continue  # "declared a state of emergency", "announced a ceasefire": an act, not reported speech
            qb = s1
            while qb > qa and text[qb - 1] in ".!? ":
                qb -= 1
            subj = self.subject(groups, s0, m.start(), s0)
            if subj is not None and qb - qa > 12 and not re.match(r"\s*[,.;]", after):
                gap = text[subj.end:m.start()]
                if not (re.search(r"[,;]\s*$", gap) and not re.search(r"\band\b", gap)):
                    about = list(dict.fromkeys(x.entry for x in ms if qa <= x.start < qb and x.form != "pronoun"
                                               and x.entry.type in ("State", "InternationalOrganization", "Person",
                                                                    "GovernmentBody", "Group")))
                    for sp in self._speakers(subj, s0, s1):
                        self.statements.append(StatementDraft(sp, (qa, qb), False,
                                                              " ".join(text[m.start():m.end()].split()), about,
                                                              (s0, s1)))
                    return
            # "..., X said." at the end of the sentence
            if subj is not None and re.match(r"\s*[.!?]?\s*$", after) and re.search(r",\s*$", text[s0:subj.start]):
                qa2, qb2 = _trim(text, s0, subj.start)
                if qb2 - qa2 > 12:
                    about = list(dict.fromkeys(x.entry for x in ms if qa2 <= x.start < qb2 and x.form != "pronoun"))
                    self.statements.append(StatementDraft(subj.actors[0], (qa2, qb2), False, m.group(1), about,
                                                          (s0, s1)))
                    return

    # ---- finishing ------------------------------------------------------------------------
    def finish(self) -> None:
        # a nominal visit without a destination that repeats a known visit by the same actor is the same visit
        kept: list[CodedEvent] = []
        for ev in self.events:
            if ev.model_type == "AgreementSigning" and ev.agreement is not None and ev.modality == "reported":
                first = next((o for o in kept if o.model_type == "AgreementSigning" and o.agreement == ev.agreement
                              and o.modality == "reported" and (not o.date or not ev.date or o.date == ev.date)), None)
                adjacent = first is not None and not self.text[first.sentence[1]:ev.sentence[0]].strip()
                if first is not None and (adjacent or first.sentence == ev.sentence):
                    # "X and Y signed an agreement. Their ministers signed the deal.": one signing, all signers,
                    # stated by both sentences
                    for a in ev.actors:
                        if a not in first.actors:
                            first.actors.append(a)
                    first.date = first.date or ev.date
                    first.evidence = (first.evidence[0], max(first.evidence[1], ev.evidence[1]))
                    continue
            if ev.nominal and ev.model_type in ("Visit", "Meeting", "Negotiation"):
                def ids(es: list[GazEntry]) -> set[str]:
                    return {a.id for a in es} | {a.country for a in es if a.country}
                same = [o for o in kept if o.model_type == ev.model_type and
                        (not ev.actors or ids(o.actors) & ids(ev.actors))]
                same = [o for o in same if o.modality == ev.modality and (not ev.date or not o.date or
                                                                            ev.date == o.date)]
                if re.search(r"\b(?:next|upcoming|planned|future|another|previous|"
                             r"earlier|new|separate)\b[^.,;]{0,40}$", self.text[max(0, ev.trigger[0] - 50):ev.trigger[0]],
                             re.I):
                    pass  # "the next summit", "a separate meeting": another event, not a re-mention
                elif ev.place is not None and ev.place.type == "Place" and not any(
                        o.place is not None and o.place.id == ev.place.id for o in same):
                    pass  # a leg of the trip at a place of its own ("began the trip in Adelaide")
                elif any(set(t.id for t in ev.targets) <= set(t.id for t in o.targets) | {
                        (o.place.country or o.place.id) if o.place else ""} for o in same):
                    continue  # a later reference to an event already reported ("the visit", "his trip")
            kept.append(ev)
        self.events = kept
        used: dict[str, int] = {}
        for ev in self.events:
            who = ev.actors[0].id if ev.actors else "x"
            base = f"{who}-{slugify(ev.model_type or 'event-' + ev.code)}"
            used[base] = used.get(base, 0) + 1
            ev.id = base if used[base] == 1 else f"{base}-{used[base]}"


_OPENER = re.compile(r"\s*(?:[A-Z][a-z]+ing\b|(?:After|Before|While|When|Since|Upon|On|In\s+addition\s+to|Ahead\s+of|"
                     r"During|Following|Amid|Despite|Besides)\b)")


@lru_cache(maxsize=1)
def _trigger_index() -> dict[str, list[lexicon.Pattern]]:
    """First word form -> the lexicon patterns that can start with it (built once per process)."""
    first_words: dict[str, list[lexicon.Pattern]] = {}
    for p in lexicon.patterns():
        for w in _first_forms(p.source):
            first_words.setdefault(w, []).append(p)
    return first_words


#: "called the deployment a significant escalation": a characterisation without "as".
_CALLED_A = re.compile(r"\b(?:call(?:ed|s|ing)?|brand(?:ed|s|ing)?|label(?:l?ed|s|l?ing)?|term(?:ed|s|ing)?)\s+"
                       r"((?:the|this|that|these|those|its|their|his|her)\s+(?:[\w’'-]+\s+){0,4}?)(an?\s+)")
#: "called them groundless": a pronoun object and a one-word characterisation ending the clause.
_CALLED_ADJ = re.compile(r"\b(?:call(?:ed|s)|brand(?:ed|s)|label(?:l?ed|s)|term(?:ed|s))\s+"
                         r"(them|it|this|that|these|those|him|her)\s+(?!on\b|for\b|off\b|up\b|in\b|out\b)"
                         r"(?=[a-z-]+(?:[.,;]|\s+and\s))")
_TROOPS_SENT = re.compile(r"\b(?:troops|soldiers|forces|personnel|units|fighters)\s+(?:had\s+|have\s+|has\s+)?"
                          r"(?:been|were|was|are|is|being)\s+(?:\w+ly\s+)?(?P<v>sent|deployed|dispatched|transferred)"
                          r"\s+(?:to|into|in)\b")
_SAID_MUST = re.compile(
    r"\b(?:said|says|declared|reiterated|insisted|stressed|warned|told|concluded|announced|added|argued)\s+"
    r"(?:[\w’'.,]+\s+){0,3}?(?:that\s+)?(?:[\w’'.-]+\s+){1,6}?(?P<aux>must|should|has\s+to|have\s+to|needs?\s+to)\s+"
    r"(?:(?:also|not|immediately|now|urgently)\s+)?(?P<verb>[a-z]+)\b")
_SAID_WOULD = re.compile(
    r"\b(?:said|says|announced|announces|added|stated|confirmed|declared|indicated)\s+(?:that\s+)?"
    r"(?:(?:it|they|he|she|we|the\s+\w+|[A-Z][\w’'-]*)\s+){1,3}?(?:also\s+)?(?P<aux>would|will)\s+"
    r"(?:also\s+|soon\s+|now\s+|then\s+)?(?P<verb>[a-z]+)\b")
#: Verbs after "would" that state no intended act ("would be", "would need", "would like").
_NOT_INTENT_VERBS = {"be", "have", "not", "never", "need", "like", "want", "remain", "become", "seem", "mean",
                     "require", "depend", "cost", "take", "make", "allow", "help", "lead", "result", "come", "go",
                     "get", "do", "say", "tell", "know", "think", "expect", "hope", "face", "lose", "fall", "rise"}


def _first_forms(spec: str) -> set[str]:
    first = spec.split(" ")[0]
    out: set[str] = set()
    for a in first.split("|"):
        if a.endswith("~"):
            out |= set(lexicon.inflect(a[:-1]))
        else:
            out.add(a.lower())
    return out


def _is_modifier_noun(text: str, a: int, b: int, s1: int) -> bool:
    """A noun trigger used as a modifier ("talks process", "meeting room") or as a plain subject noun."""
    nxt = re.match(r"\s+([a-z]+)", text[b:s1])
    return bool(nxt and nxt.group(1) in ("room", "venue", "hall", "table", "process", "format", "agenda",
                                          "minutes", "partner", "partners", "mechanism"))


def _verb_context_ok(text: str, a: int, b: int, s0: int, head: str) -> bool:
    """Reject verb forms used as nouns/adjectives ("the visiting minister", "a signed copy")."""
    pw = _prev_word(text, a, s0)
    if pw in ("the", "a", "an", "this", "that", "these", "those", "their", "his", "her", "its", "our", "s",
              "first", "second", "latest", "next", "annual", "recent", "planned", "bilateral") \
            and head.endswith(("ing", "ed")):
        return False
    if head in ("alleged", "suspected", "accused", "purported", "reported") and re.match(
            r"\s+(?!that\b|the\b|an?\b|to\b|him\b|her\b|them\b|it\b|his\b|their\b|its\b|of\b|in\b|by\b|on\b)[a-z]",
            text[b:b + 20]):
        return False  # "alleged bombers", "suspected militants": an adjective
    if pw in ("the", "a", "an", "their", "his", "her", "its", "our", "s", "’s", "'s") or \
            re.search(r"[’']s\s+$", text[max(s0, a - 3):a]):
        return False  # "Yoon’s brief declaration", "the visit": a noun or adjective, never a verb
    return True


def _quotes(text: str, s0: int, s1: int) -> list[tuple[int, int]]:
    """Quotation spans (including the marks) in a sentence."""
    out = []
    for m in re.finditer(r"“[^“”]+”|\"[^\"]+\"", text[s0:s1]):
        out.append((s0 + m.start(), s0 + m.end()))
    return out


def _clause_end(text: str, pos: int, hi: int) -> int:
    m = re.search(r",\s+(?:who|which|according|said|says|while|as|after|before|labelling|labeling|describing|"
                  r"calling|saying|adding|focusing|focussing)\b|[;:]", text[pos:hi])
    end = pos + m.start() if m else hi
    return end


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",;:"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:"):
        b -= 1
    return a, b


def _topics(text: str, pos: int, hi: int) -> list[str]:
    m = re.search(r"\b(?:on|about|over|regarding|concerning|focusing\s+on|focussing\s+on)\s+(?:the\s+)?", text[pos:hi])
    if not m:
        return []
    start = pos + m.end()
    seg = text[start:hi]
    cut = re.search(r",|;|\.|\s+and\s+(?:to\s+)?(?:conduct|hold|initiate|launch|sign|expand|strengthen|discuss|"
                    r"boost|deepen|work|agree|plan)\b|\s+(?:in|at|with|during|through|according|ahead)\s", seg)
    phrase = seg[: cut.start()] if cut else seg
    phrase = phrase.strip().rstrip(".")
    if not phrase or len(phrase.split()) > 10:
        return []
    if re.match(r"focus", m.group().lower()):
        return [p.strip() for p in re.split(r",\s*|\s+and\s+", phrase) if p.strip()]
    return [phrase]


def _char_phrases(text: str, pos: int, s1: int) -> list[tuple[str, int]]:
    seg = text[pos:s1]
    qm = re.match(r"[“\"]([^”\"]+)[”\"]", seg)
    if qm:
        return [(qm.group(1), pos + 1)]
    cut = re.search(r"[,;.]|\s(?:for|of|in|by|because|since|with|after|amid|as)\s", seg)
    phrase = seg[: cut.start()] if cut else seg
    parts = [p.strip() for p in re.split(r"\s+and\s+", phrase) if p.strip()]
    return [(p, pos) for p in parts if len(p.split()) <= 6]


_STOP = set("the a an of to in on for and or with by from as at is are was were be been that this these those its "
            "their his her it they both nations countries use".split())


def _content_words(s: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", s.lower()) if w not in _STOP and len(w) > 3}


def run_extraction(text: str, published: str | None, gaz: Gazetteer) -> Extraction:
    """Run the rule-based extractor over one article text."""
    return _Extractor(text, published, gaz).run()
