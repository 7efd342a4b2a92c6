"""Article text -> body lines -> sentences -> tokens, all as offsets into the raw text.

The raw article text is never rewritten: boilerplate lines (breadcrumbs, headings, newsletter
promos, bylines, "With inputs from ...") are *skipped*, and every span this module returns
indexes the original string, so evidence offsets stay exact.

>>> text = "Home World News\\n\\nU.N. envoys met in Geneva. “We agree. Fully,” he said.\\n\\nWith inputs from Reuters"
>>> [text[s:e] for s, e in sentences(text)]
['U.N. envoys met in Geneva.', '“We agree. Fully,” he said.']
"""

from __future__ import annotations

import re

#: Lines that are never article text, whatever their length.
_BOILERPLATE = re.compile(
    r"""^\s*(?:
        home\b.{0,120}$                              # breadcrumb: "Home General ..."
      | (?:with\s+)?(?:additional\s+)?inputs?\s+from\b.*  # "With inputs from Reuters"
      | (?:\(?\s*)?(?:reporting|writing|editing|additional\s+reporting)\s+by\b.*
      | by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*(?:[,|].*)?$   # byline
      | (?:written|posted|published|updated|last\s+updated)\s+(?:by|on|at)\b.*
      | (?:also\s+read|read\s+more|read\s+also|related|recommended|advertisement|sponsored|share\s+this|click\s+here)\b.*
      | (?:follow|subscribe|join|sign\s+up)\b.*\b(?:channel|newsletter|whatsapp|telegram|twitter|facebook|instagram|youtube|linkedin|google\s+news|updates?)\b.*
      | .*\b(?:whatsapp|telegram)\s+channel\b.*
      | (?:copyright|©|\(c\)|all\s+rights\s+reserved)\b.*
      | (?:photo|image|file\s+photo|picture|credit|source)\s*:.*
      | tags?\s*:.*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

#: Words before a full stop that do not end a sentence.
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof gen lt col maj capt sgt adm cmdr gov sen rep rev st jr sr sec pres amb messrs
no nos vol fig approx est inc corp ltd co bros dept univ
jan feb mar apr aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
vs etc e.g i.e al cf mt ft
""".split())

_OPEN_QUOTES = "“‘«"
_CLOSE_QUOTES = "”’»"
_TERMINALS = ".!?"
_LINE_END_OK = tuple('.!?:"”’)»…')

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def body_lines(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the lines of ``text`` that are article body text.

    Dropped: empty lines, boilerplate (see :data:`_BOILERPLATE`), and short lines without
    sentence-final punctuation (headlines, sub-headings, promos such as "X WhatsApp Channel").

    >>> t = "Home General Story\\nA Heading\\nThe minister met the envoy.\\nWith inputs from Reuters"
    >>> [t[s:e] for s, e in body_lines(t)]
    ['The minister met the envoy.']
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        s = text[start:end]
        stripped = s.strip()
        if not stripped:
            continue
        if _BOILERPLATE.match(stripped):
            continue
        words = len(stripped.split())
        if not stripped.endswith(_LINE_END_OK) and words < 20:
            continue  # heading, caption, promo
        if words < 4 and not stripped.endswith(_LINE_END_OK):
            continue
        lead = len(s) - len(s.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
    return spans


def _is_abbreviation(text: str, dot: int, line_start: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial."""
    j = dot
    while j > line_start and not text[j - 1].isspace() and text[j - 1] not in "(\"“‘":
        j -= 1
    word = text[j:dot]
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "F. W. de Klerk"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # "U.N", "U.S", "e.g"
    return word.lower().rstrip(".") in ABBREVIATIONS


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    sent_start = start
    depth = 0  # open curly quotes
    straight_open = False
    i = start
    while i < end:
        ch = text[i]
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == '"':
            straight_open = not straight_open
        if ch in _TERMINALS:
            j = i + 1
            while j < end and text[j] in _TERMINALS:
                j += 1
            while j < end and (text[j] in _CLOSE_QUOTES or text[j] in "\")]"):
                if text[j] == "”":
                    depth = max(0, depth - 1)
                elif text[j] == '"':
                    straight_open = not straight_open
                j += 1
            if j >= end:
                break
            if not text[j].isspace():
                i = j
                continue
            k = j
            while k < end and text[k].isspace():
                k += 1
            if k >= end:
                break
            nxt = text[k]
            inside_quote = depth > 0 or straight_open
            starts_upper = nxt.isupper() or nxt.isdigit() or nxt in _OPEN_QUOTES or nxt == '"'
            if ch == "." and _is_abbreviation(text, i, sent_start):
                # "U.N. Security Council" continues; "... the U.S. The next" needs a capital
                # that is not a name continuing the phrase: keep together (safer for evidence).
                i = j
                continue
            if inside_quote and _closes_later(text, k, end):
                i = j
                continue
            if starts_upper:
                out.append((sent_start, _rstrip(text, sent_start, j)))
                sent_start = k
            i = j
            continue
        i += 1
    if sent_start < end:
        out.append((sent_start, _rstrip(text, sent_start, end)))
    return [(s, e) for s, e in out if e > s]


def _closes_later(text: str, k: int, end: int) -> bool:
    seg = text[k:end]
    return "”" in seg or '"' in seg


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def sentences(text: str, lines: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Sentence spans over the body lines of ``text``.

    A full stop after an abbreviation ("U.N.", "Mr.", "Gen.") or an initial does not end a
    sentence, and neither does one inside a quotation that closes later in the paragraph.

    >>> t = "He told the U.N. Security Council: “It is over. We leave.” Then he left."
    >>> [t[s:e] for s, e in sentences(t)]
    ['He told the U.N. Security Council: “It is over. We leave.”', 'Then he left.']
    """
    if lines is None:
        lines = body_lines(text)
    out: list[tuple[int, int]] = []
    for start, end in lines:
        out.extend(_split_line(text, start, end))
    return out


class Token:
    """A token with absolute offsets into the article text (``lower`` and ``is_cap`` computed once)."""

    __slots__ = ("start", "end", "text", "lower", "is_cap")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.lower = text.lower()
        self.is_cap = text[:1].isupper()

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and (self.start, self.end, self.text) == (other.start, other.end, other.text)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.text))


_TOKEN_RE = re.compile(
    r"(?:[A-Z]\.){2,}"            # U.N.  U.S.  F.W.
    r"|[’']s\b"                   # possessive
    r"|\w+(?:[-–'’]\w+)*"         # words, hyphenated words, N'Djamena
    r"|\S",
    re.UNICODE,
)


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Tokens of ``text[start:end]`` with absolute offsets.

    >>> [t.text for t in tokenize("Russia’s U.N. envoy, Cho Tae-yul.", 0, 33)]
    ['Russia', '’s', 'U.N.', 'envoy', ',', 'Cho', 'Tae-yul', '.']
    """
    out = []
    for m in _TOKEN_RE.finditer(text, start, end):
        tok = m.group()
        s = m.start()
        # a possessive glued to a word: "Russia’s" -> "Russia" "’s"
        if len(tok) > 2 and tok[-1] == "s" and tok[-2] in "’'" and tok[:-2].isalpha():
            out.append(Token(s, s + len(tok) - 2, tok[:-2]))
            out.append(Token(s + len(tok) - 2, s + len(tok), tok[-2:]))
            continue
        out.append(Token(s, m.end(), tok))
    return out


def looks_english(text: str) -> bool:
    """A cheap language check: enough common English function words among the words.

    >>> looks_english("The minister said that the talks would resume in the spring.")
    True
    >>> looks_english("Der Minister sagte, dass die Gespräche im Frühjahr fortgesetzt würden. " * 5)
    False
    >>> looks_english("Министр иностранных дел заявил")
    False
    """
    sample = text[:20000]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c < "\u0250")
    if latin / len(letters) < 0.6:
        return False  # mostly another script
    words = _WORD_RE.findall(sample.lower())
    if len(words) < 30:
        return True  # too short to judge by function words
    common = {"the", "of", "and", "to", "a", "in", "is", "that", "for", "on", "with", "as", "was",
              "by", "said", "it", "has", "have", "from", "his", "her", "their", "at", "an", "be"}
    hits = sum(1 for w in words if w in common)
    return hits / len(words) >= 0.08
