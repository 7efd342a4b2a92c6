"""Verb and noun patterns that signal events, each with its CAMEO code.

General English vocabulary of political-event coding (the kind of verb dictionary TABARI and
PETRARCH ship), not keyed to any article. Pattern language, word by word:

* ``criticise~``: a verb lemma, matched in every inflection (and -ise/-ize spelling);
* ``a|b``: alternatives; ``*``: a gap of up to four words; any other word is literal.

>>> sorted(inflect("criticise"))[:4]
['criticise', 'criticised', 'criticises', 'criticising']
>>> "met" in inflect("meet")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_IRREGULAR = {
    "meet": ["met"], "hold": ["held"], "give": ["gave", "given"], "send": ["sent"],
    "fight": ["fought"], "seek": ["sought"], "take": ["took", "taken"], "shoot": ["shot"],
    "break": ["broke", "broken"], "cut": ["cut"], "set": ["set"], "put": ["put"], "hit": ["hit"],
    "lead": ["led"], "make": ["made"], "say": ["said"], "tell": ["told"], "speak": ["spoke", "spoken"],
    "withdraw": ["withdrew", "withdrawn"], "throw": ["threw", "thrown"], "blow": ["blew", "blown"],
    "begin": ["began", "begun"], "undertake": ["undertook", "undertaken"], "forgive": ["forgave", "forgiven"],
    "retake": ["retook", "retaken"], "beat": ["beat", "beaten"], "shut": ["shut"], "strike": ["struck"],
    "find": ["found"], "sell": ["sold"], "bring": ["brought"], "swear": ["swore", "sworn"],
    "pay": ["paid"], "lay": ["laid"], "win": ["won"], "deny": ["denied"], "rally": ["rallied"],
    "ally": ["allied"], "apply": ["applied"], "fly": ["flew", "flown"], "go": ["went", "gone"],
    "come": ["came"], "become": ["became"], "keep": ["kept"], "build": ["built"], "draw": ["drew", "drawn"],
    "write": ["wrote", "written"], "freeze": ["froze", "frozen"], "arise": ["arose"], "sit": ["sat"],
    "spread": ["spread"], "shed": ["shed"], "rid": ["rid"], "slay": ["slew", "slain"], "overrun": ["overran"],
    "lend": ["lent"], "spend": ["spent"], "feel": ["felt"], "stand": ["stood"], "bear": ["bore", "borne"],
    "hang": ["hung", "hanged"], "leave": ["left"], "bomb": ["bombed"], "veto": ["vetoed", "vetoes"],
}
_DOUBLE = {"stop", "ban", "plan", "slam", "ship", "step", "drop", "commit", "submit", "admit", "permit",
           "control", "patrol", "expel", "compel", "cancel", "label", "travel", "regret", "rob", "grab",
           "bar", "spur", "scrap", "rebut", "abet", "dispel", "propel", "occur", "refer", "confer",
           "prefer", "quarrel", "signal", "rally", "outlaw", "kidnap", "equip", "shun"}
_BOTH_L = {"cancel", "label", "travel", "quarrel", "signal", "model", "fuel", "channel", "dial"}


@lru_cache(maxsize=None)
def inflect(lemma: str) -> frozenset[str]:
    """All forms of a verb (base, -s, -ed, -ing, irregular past/participle; -ise/-ize both)."""
    out = {lemma}
    if lemma in _IRREGULAR:
        out.update(_IRREGULAR[lemma])
    if lemma.endswith("e") and not lemma.endswith("ee"):
        out |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("ee"):
        out |= {lemma + "s", lemma + "d", lemma + "ing"}
    elif re.search(r"[^aeiou]y$", lemma):
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "x", "z", "ch", "sh")):
        out |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        out.add(lemma + "s")
        if lemma in _DOUBLE and lemma not in ("rally", "outlaw", "shun"):
            out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
            if lemma in _BOTH_L:
                out |= {lemma + "ed", lemma + "ing"}
        elif lemma in ("kidnap", "shun", "equip"):
            out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
        else:
            out |= {lemma + "ed", lemma + "ing"}
    if lemma.endswith("ise") and lemma not in _ISE_ONLY:
        stem = lemma[:-3]
        out |= {stem + "iz" + f[len(stem) + 2:] for f in list(out) if f.startswith(stem + "is")}
    return frozenset(out)


#: -ise verbs that have no -ize spelling.
_ISE_ONLY = frozenset({
    "promise", "advise", "revise", "surprise", "compromise", "exercise", "supervise", "televise", "raise",
    "rise", "praise", "apprise", "comprise", "despise", "devise", "improvise", "premise", "chastise",
    "disguise", "excise", "arise", "franchise", "enterprise", "merchandise", "demise", "incise",
})


# (pattern, CAMEO code). Order matters only for ties: longer matches win, then earlier entries.
PATTERNS: tuple[tuple[str, str], ...] = (
    # --- 01 statements: only denials are events
    ("deny~|dismiss~|reject~|refute~ * allegation|allegations|accusation|accusations|charges|claims|claim|reports|involvement|responsibility|wrongdoing", "016"),
    ("deny~", "016"),
    ("call~|dismiss~|describe~|label~|brand~ * groundless|baseless|unfounded|fabricated|false|nonsense|lies|fake", "016"),
    # --- 03 intent (also produced from intent markers + a material verb)
    ("agree~|pledge~|promise~|vow~|commit~", "030"),
    ("offer~", "030"),
    ("express~ * willingness|readiness", "030"),
    ("emphasise~|reaffirm~|reiterate~|stress~|underline~|underscore~|restate~ * commitment|commitments|pledge", "030"),
    ("reach~ * consensus|agreement|deal|understanding|accord", "030"),
    ("launch~|establish~|create~ * initiative|partnership|mechanism|framework|fund|secretariat", "030"),
    ("set~ up * initiative|partnership|mechanism|framework|fund|secretariat|centre|center", "030"),
    ("work~ together|closely", "060"),
    ("pledge~|promise~|commit~ * dollars|aid|assistance|funding|loans|grant|grants|euros|million|billion", "033"),
    ("accept~ * formula|proposal|plan|offer|deal|terms|mediation", "030"),
    # --- 04 consult
    ("visit~", "042"), ("arrive~ in|at", "042"), ("travel~ to", "042"), ("fly~ to", "042"),
    ("visit|visits|trip|trips|tour|journey", "042"), ("tour~", "042"),
    ("host~", "043"), ("receive~ * delegation|mission|envoy|visitor", "043"),
    ("give~ * welcome", "043"),
    ("meet~", "040"), ("hold~ * meeting|meetings|discussions|consultations|summit", "040"),
    ("hold~ * talks", "040"), ("brief~", "040"),
    ("discuss~", "040"), ("consult~", "040"), ("confer~ with", "040"),
    ("meeting|meetings|summit|summits", "040"),
    ("telephone~|phone~", "041"), ("phone|telephone call|conversation", "041"),
    ("negotiate~", "046"), ("negotiations|dialogue|dialogues", "046"), ("talks", "040"),
    ("initiate~|launch~|start~|begin~|hold~|conduct~|open~|resume~ * dialogue|dialogues|talks|negotiations", "046"),
    ("mediate~", "045"), ("mediation", "045"),
    # --- 05 support
    ("praise~|commend~|hail~|applaud~|laud~|endorse~|salute~|congratulate~|thank~", "051"),
    ("welcome~", "051"), ("echo~", "051"),
    ("support~|back~", "051"),
    ("defend~", "052"), ("apologise~", "055"), ("forgive~", "056"),
    ("sign~", "057"),
    ("establish~|restore~|upgrade~|normalise~|resume~ * ties|relations", "050"),
    ("recognise~ * independence|government|sovereignty|state", "054"),
    # --- 06 material cooperation
    ("cooperate~", "060"), ("share~|exchange~ * intelligence|information|expertise|data", "064"),
    ("joint * exercises|drills|patrols", "062"), ("war games|military exercises|naval exercises|military drills", "062"),
    ("extradite~", "063"), ("share~ * evidence", "064"),
    # --- 07 aid
    ("hand~ over * aid|assistance|relief|medicine|medicines|supplies|goods|food", "070"),
    ("provide~|give~|send~|deliver~|donate~|supply~|grant~|ship~ * aid|assistance|relief|grant|grants|loan|loans|credit|funds|funding|dollars|million|billion|food|medicine|medicines|supplies|goods", "070"),
    ("provide~|give~|send~|deliver~|supply~|ship~ * arms|weapons|troops|equipment|intelligence|photographs|ammunition", "072"),
    ("grant~|give~|offer~ * asylum|refuge", "075"),
    ("contribute~ * troops|soldiers|peacekeepers|aid|funds|money|dollars|million|billion", "072"),
    ("send~|provide~|supply~ * material|materiel", "072"),
    ("evacuate~", "073"), ("deploy~ * peacekeepers|peacekeeping|peace-keeping", "074"),
    # --- 08 yield
    ("release~|free~ * prisoners|hostages|detainees|captives|prisoner|hostage|detainee", "0841"),
    ("release~", "084"),
    ("lift~|ease~|relax~|remove~ * sanctions|embargo|embargoes", "085"),
    ("lift~|ease~|relax~|shorten~|cancel~|remove~ * curfew|restrictions|ban|state of emergency|emergency measures|measures", "081"),
    ("lift~|end~ * blockade|siege", "087"),
    ("call~ off * strike|protest|protests|boycott|demonstration|rally|march", "080"),
    ("postpone~ * strike|protest|demonstration|rally|march|elections|vote", "080"),
    ("withdraw~ * inspectors|monitors|observers|peacekeepers|workers|staff|personnel|diplomats", "166"),
    ("cancel~|call~ off|postpone~ * visit|trip|meeting|talks|summit", "160"),
    ("withdraw~|pull~ * troops|forces|soldiers|out", "087"), ("withdrawal", "087"),
    ("demobilise~|disarm~", "087"), ("declare~ * ceasefire|truce", "087"),
    ("resign~", "0831"), ("step~ down", "0831"), ("surrender~", "080"),
    ("accede~|concede~|yield~ * demands|demand|to", "083"), ("accept~ * demands", "083"),
    ("allow~|permit~", "080"),
    ("pay~ * compensation|reparations", "084"), ("return~ * weapons|property|territory|prisoners|equipment", "084"),
    ("open~|reopen~|re-open~ * border|borders|crossing|bridge|airspace", "086"),
    # --- 09 investigate
    ("investigate~|probe~|inspect~|monitor~", "090"),
    ("launch~|open~|begin~|complete~ * investigation|investigations|inquiry|probe|hearing", "090"),
    ("investigation|inquiry", "090"),
    ("dispatch~|send~ * inspectors|investigators|monitors|observers|personnel", "090"),
    # --- 10 demand
    ("demand~", "100"), ("call~ for", "100"), ("call~ on|upon", "100"), ("insist~", "100"),
    ("urge~", "100"), ("appeal~ to|for", "100"), ("press~ * to|for", "100"), ("request~", "100"),
    ("order~", "100"), ("push~ * for", "100"), ("seek~", "100"),
    ("demands|demand", "100"),
    # --- 11 disapprove
    ("criticise~|condemn~|denounce~|deplore~|decry~|slam~|blast~|rebuke~|censure~|lambast~|chide~|castigate~", "111"),
    ("express~|voice~|raise~ * concern|concerns|regret|dismay|disappointment|outrage|alarm", "111"),
    ("criticism|condemnation", "111"),
    ("summon~ * ambassador|envoy|diplomat|chargé|charge", "111"), ("object~ to", "111"),
    ("raise~ * issues|objections|objection", "111"),
    ("accuse~|blame~|allege~", "112"), ("charge~ that", "112"),
    ("accusation|accusations|allegation|allegations", "112"),
    ("complain~", "114"), ("lodge~|file~ * protest|complaint", "114"),
    ("sue~", "115"), ("file~ * lawsuit|suit", "115"),
    ("convict~|sentence~", "116"), ("find~ * guilty", "116"), ("indict~", "116"),
    ("oppose~", "110"),
    # --- 12 reject
    ("reject~|refuse~|rebuff~|spurn~", "120"), ("turn~ down", "120"),
    ("dismiss~ * appeal|appeals|call|calls|request|requests|demand|demands|proposal|proposals|offer|offers|plea|"
     "pleas|ultimatum|plan", "120"),
    ("renege~|backtrack~ on", "120"), ("go~ back on", "120"),
    ("veto~", "129"), ("defy~", "128"), ("violate~|breach~", "128"),
    # --- 13 threaten
    ("threaten~|warn~", "130"), ("threat|threats|warning", "130"),
    ("issue~ * ultimatum", "139"), ("ultimatum", "139"),
    # --- 14 protest
    ("demonstrate~", "141"), ("rally", "141"), ("march~", "141"),
    ("stage~|hold~|organise~ * rally|rallies|protest|protests|demonstration|demonstrations|march|sit-in", "141"),
    ("protest~", "140"), ("protest|protests|demonstration|demonstrations", "141"),
    ("collect~ * signatures", "140"),
    ("hunger strike", "142"), ("strike", "143"), ("stop~|shun~ work", "143"), ("boycott~", "143"),
    ("block~|obstruct~ * road|roads|street|streets|bridge|traffic|transport|access|highway", "144"),
    ("riot~", "145"), ("riots", "145"), ("throw~ * stones", "145"),
    # --- 15 mobilise
    ("mobilise~", "154"), ("put~|place~|remain~ * on alert", "152"),
    ("strengthen~|reinforce~|increase~|boost~ * forces|troops|presence", "154"), ("build~ up * forces|troops|presence", "154"),
    ("deploy~ * troops|forces|warships|soldiers|missiles", "154"), ("mass~ * troops|forces", "154"),
    ("order~ * patrols", "153"), ("train~ * hackers|fighters|troops", "150"),
    # --- 16 reduce relations
    ("sever~|cut~|break~ * ties|relations", "161"), ("recall~|withdraw~ * ambassador|envoy", "161"),
    ("close~ * embassy|consulate", "161"),
    ("suspend~|halt~|cut~|reduce~|stop~|prohibit~|freeze~ * aid|assistance|deliveries|supplies|funding|program|programme", "162"),
    ("impose~|slap~|tighten~ * sanctions|embargo|embargoes", "163"), ("sanction~", "163"),
    ("suspend~|halt~|cut~ * air links|flights|links|trade|exchanges", "160"),
    ("suspension * air links|flights|links|trade|exchanges|ties|relations", "160"),
    ("suspend~|halt~|end~|abandon~|stop~ * talks|negotiations", "164"), ("break~ off * talks|negotiations|contacts", "164"),
    ("end~|halt~|suspend~ * mediation", "165"),
    ("expel~|oust~ * diplomats|diplomat|ambassador|envoy|inspectors|monitors|mission", "166"),
    ("close~ * border|borders", "166"),
    # --- 17 coerce
    ("arrest~|detain~", "173"), ("arrests", "173"), ("deport~", "174"), ("force~ * out", "174"),
    ("confiscate~|seize~|impound~", "171"),
    ("destroy~|demolish~|bulldoze~|raze~", "171"), ("blow~ up", "171"), ("set~ fire", "171"),
    ("ban~|outlaw~", "172"), ("censor~", "172"),
    ("impose~|declare~|extend~|institute~ * curfew|martial law|state of emergency|state of siege", "172"),
    ("impose~|tighten~ * restrictions|controls|ban", "172"),
    ("prevent~|bar~", "172"), ("hack~", "171"),
    ("crack~ down", "175"),
    ("impose~|tighten~ * blockade", "191"), ("blockade~", "191"), ("occupy~", "192"),
    # --- 18 assault
    ("kidnap~|abduct~|hijack~", "181"), ("take~ * hostage", "181"),
    ("beat~|torture~", "182"), ("rape~", "182"), ("sexually abuse~", "182"),
    ("bombing|bomb attack|car bomb|bombs|explosive device|bomb explosion", "183"), ("suicide bomber|suicide bombers", "183"),
    ("assassinate~", "186"), ("attempt to assassinate", "185"), ("assassination", "186"),
    ("kill~|wound~|injure~|murder~|execute~", "190"), ("hit~ by", "190"),
    ("hold~ * as human shields", "184"),
    # --- 19 fight
    ("attack~|raid~|storm~|invade~|ambush~", "190"), ("attack|attacks|invasion|raid|offensive", "190"),
    ("fight~|clash~", "190"), ("fighting|clashes|gunbattle|battle", "190"),
    ("shell~", "194"), ("fire~ * shell|shells|rockets|missiles|artillery|mortar|mortars", "194"),
    ("open~ fire", "190"), ("launch~ * offensive|attack|attacks|strike|strikes|raid|raids|rocket|artillery", "190"),
    ("air raid|airstrike|air strike|airstrikes|air strikes|bombard~", "195"),
    ("retake~|recapture~|capture~|overrun~", "190"),
    ("violate~|break~ * ceasefire|truce", "196"),
    # --- 20 mass violence
    ("massacre~", "202"), ("massacre", "202"), ("ethnic cleansing", "203"),
)


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    code: str
    verbal: bool  # the first word is a verb (inflected)
    source: str


def _word_regex(word: str) -> tuple[str, bool]:
    alts = word.split("|")
    forms: list[str] = []
    verbal = False
    for a in alts:
        if a.endswith("~"):
            verbal = True
            forms.extend(sorted(inflect(a[:-1]), key=len, reverse=True))
        else:
            forms.append(a)
    forms = sorted(set(forms), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) + ")", verbal


def _compile(spec: str, code: str) -> Pattern:
    parts = []
    verbal = False
    # multi-word literal alternatives ("state of emergency") are written with spaces inside
    # a bar-separated slot; split the spec on " * " and spaces outside such slots.
    tokens = _spec_tokens(spec)
    for i, tok in enumerate(tokens):
        if tok == "*":
            parts.append(r"(?:\s+[\w’'.,$%-]+){0,6}?")
            continue
        rx, v = _word_regex(tok)
        if i == 0:
            verbal = v
        parts.append((r"\s+" if parts and not parts[-1].startswith(r"(?:\s+[\w") else (r"\s+" if parts else "")) + rx)
    body = "".join(parts)
    return Pattern(re.compile(r"\b" + body + r"\b", re.IGNORECASE), code, verbal, spec)


def _spec_tokens(spec: str) -> list[str]:
    # words separated by single spaces, but a slot containing "|" may hold multi-word alternatives
    # written with spaces: we treat "a b|c d" as two slots unless the spec uses a bar across words.
    # Convention used in PATTERNS: multi-word alternatives appear only in the last slot.
    raw = spec.split(" ")
    out: list[str] = []
    for i, w in enumerate(raw):
        if out and "|" in out[-1] and out[-1] != "*" and w != "*" and "|" in spec.split(" * ")[-1] \
                and _in_last_slot(raw, i):
            out[-1] = out[-1] + " " + w
        else:
            out.append(w)
    return out


def _in_last_slot(raw: list[str], i: int) -> bool:
    """True when word ``i`` continues a multi-word alternative of the last bar slot."""
    last_star = max((j for j, w in enumerate(raw) if w == "*"), default=-1)
    if i <= last_star + 1:
        return False
    return "|" in " ".join(raw[last_star + 1:])


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    """The compiled :data:`PATTERNS`."""
    return tuple(_compile(s, c) for s, c in PATTERNS)


#: Words that, right before a verb, mark an intention rather than an act.
INTENT_RX = re.compile(
    r"\b(?:will|would|shall|(?:plans?|planned|planning|intends?|intended|hopes?|aims?|decided|decides|"
    r"agreed|agrees|agree|promised|promises|promise|pledged|pledges|pledge|vowed|vows|offered|offers|"
    r"is\s+ready|are\s+ready|was\s+ready|were\s+ready|ready|willing|prepared|set|expected|likely|"
    r"going|wants?|wanted|seeks?|sought|is\s+to|are\s+to|committed|commitment|sworn|swore|swears?)\s+to)"
    r"(?:\s+(?:also|again|soon|not|further|jointly|then|eventually|still))?\s*$",
    re.IGNORECASE,
)
THREAT_RX = re.compile(r"\b(?:threaten(?:ed|s|ing)?|warn(?:ed|s|ing)?(?:\s+it\s+(?:would|will|could))?)\s+to\s*$",
                       re.IGNORECASE)
REFUSE_RX = re.compile(r"\b(?:refus(?:ed|es|e|ing)|declin(?:ed|es|e|ing)|rejected\s+calls|fail(?:ed|s)?|(?:will|would|shall)\s+not|won[’']t)"
                       r"(?:\s+to)?\s*$", re.IGNORECASE)
DEMAND_RX = re.compile(r"\b(?:demand(?:ed|s|ing)?|urg(?:ed|es|e|ing)|call(?:ed|s|ing)?\s+on|ask(?:ed|s)?|press(?:ed|es)?"
                       r"|order(?:ed|s)?)\b[^.;]{0,60}\bto\s*$", re.IGNORECASE)


def intent_code(code: str) -> str:
    """CAMEO code of the *intention* to do ``code`` (the 03 family), e.g. meet 040 -> 036."""
    root = code[:2]
    return {"04": "036", "07": "033", "06": "031", "05": "032", "08": "035", "09": "030",
            "03": code}.get(root, "030")


def threat_code(code: str) -> str:
    """CAMEO code of a *threat* to do ``code`` (the 13 family)."""
    root = code[:2]
    if root in ("18", "19", "20"):
        return "138"
    if root == "16":
        return "136" if code in ("164", "165", "166") else "131"
    if root == "17":
        return "132"
    if root == "14":
        return "133"
    return "130"


def demand_code(code: str) -> str:
    """CAMEO code of a *demand* that the target do ``code`` (the 10 family)."""
    root = code[:2]
    return {"04": "106", "07": "103", "06": "101", "05": "102", "08": "105", "03": "102"}.get(root, "100")


def refusal_code(code: str) -> str:
    """CAMEO code of a *refusal* to do ``code`` (the 12 family)."""
    root = code[:2]
    return {"04": "125", "07": "122", "06": "121", "05": "120", "08": "124", "03": "120"}.get(root, "120")


def intent_of_conflict(code: str) -> bool:
    """An intention to do a conflictual act (roots 14-20, 16) is coded as a threat."""
    return code[:2] in ("14", "15", "16", "17", "18", "19", "20")
