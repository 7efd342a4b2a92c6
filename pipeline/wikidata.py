"""HTTP client for the Wikidata API, following Wikimedia's client rules.

The client takes an injected :class:`requests.Session` (tests mount a replaying adapter on
it, so nothing reaches the network) and an injected ``sleep`` callable (so backoff waits
are observable and cost no time in tests). It never runs unless asked: builds resolve
entities from the shipped cache only (see :mod:`pipeline.link`).

Rules honoured (https://meta.wikimedia.org/wiki/User-Agent_policy, API:Etiquette):

* a descriptive ``User-Agent`` with contact details; without a contact the client refuses
  to exist (:class:`~pipeline.errors.UsageError`) so no request is ever sent without one;
* ``maxlag=5`` on every request; a ``maxlag`` error (HTTP 200 with an ``error`` object)
  waits ``Retry-After`` (or the reported lag) and retries;
* requests in series, ids batched with ``|`` (at most 50 per ``wbgetentities`` call);
* ``Accept-Encoding: gzip``; connect/read timeouts on every request;
* 429 and 503 honour ``Retry-After`` (seconds or an HTTP date), otherwise exponential
  backoff with jitter; every wait is capped by ``max_wait`` and the number of attempts by
  ``max_attempts``, after which :class:`~pipeline.errors.WikidataAPIError` is raised.

Example (not run: it needs the network)::

    client = WikidataClient(requests.Session(), contact="me@example.org")
    hits = client.search("Paju")
    entities = client.get_entities([h.id for h in hits])
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pipeline import __version__
from pipeline.errors import UsageError, WikidataAPIError

if TYPE_CHECKING:
    import requests
# requests is imported where HTTP happens: a build that resolves from the cache only does not
# pay for importing it (0.1 s, which is most of a one-article rebuild's start-up)

API_URL = "https://www.wikidata.org/w/api.php"
ENTITY_IRI = "http://www.wikidata.org/entity/"
BATCH = 50
_QID = re.compile(r"^Q[1-9][0-9]*$")
_CONTACT = re.compile(r"(^[^@\s]+@[^@\s]+\.[^@\s]+$)|(^https?://\S+$)")


@dataclass(frozen=True)
class SearchHit:
    """One ``wbsearchentities`` result."""

    id: str
    label: str | None
    description: str | None
    match_type: str  # "label", "alias" or "entityId"
    match_text: str | None


def make_session() -> requests.Session:
    """A fresh :class:`requests.Session` for the client (the CLI's seam; tests replace it)."""
    import requests
    return requests.Session()


def user_agent(contact: str) -> str:
    """The User-Agent string diplokg sends.

    >>> user_agent("me@example.org")[:36]
    'diplokg/0.1.0 (me@example.org) pytho'
    """
    import requests
    return f"diplokg/{__version__} ({contact}) python-requests/{requests.__version__}"


def check_contact(contact: str | None) -> str:
    """Return a usable contact (email address or URL) or raise.

    Raises:
        UsageError: no contact, or one that is neither an email address nor an http(s) URL.
    """
    contact = (contact or "").strip()
    if not contact:
        raise UsageError(
            "going online needs contact details for the User-Agent (Wikimedia policy): "
            "pass --contact EMAIL-or-URL or set DIPLOKG_CONTACT"
        )
    if not _CONTACT.match(contact):
        raise UsageError(f"contact {contact!r} is neither an email address nor an http(s) URL")
    return contact


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date).

    >>> parse_retry_after("5")
    5.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now=1445412480.0)
    5.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class WikidataClient:
    """Serial, polite client of ``wbsearchentities`` and ``wbgetentities``.

    Args:
        session: the HTTP session to use (injected; tests mount a replay adapter on it).
        contact: email address or URL put in the User-Agent.
        sleep: called with the seconds to wait between attempts (default :func:`time.sleep`).
        max_attempts: attempts per request before giving up.
        max_wait: upper bound of any single wait, in seconds.
        backoff: base of the exponential backoff, in seconds (``backoff * 2**n`` + jitter).
        timeout: ``(connect, read)`` timeouts in seconds.
        rng: randomness for the jitter (injected for reproducible tests).
        api_url: the API endpoint.

    Raises:
        UsageError: no usable contact; nothing is sent.
    """

    def __init__(
        self,
        session: requests.Session,
        contact: str | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 5,
        max_wait: float = 60.0,
        backoff: float = 1.0,
        timeout: tuple[float, float] = (10.0, 30.0),
        rng: random.Random | None = None,
        api_url: str = API_URL,
    ) -> None:
        self.contact = check_contact(contact)
        self.session = session
        self.sleep = sleep
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.backoff = backoff
        self.timeout = timeout
        self.rng = rng or random.Random()
        self.api_url = api_url
        self.requests_sent = 0
        session.headers["User-Agent"] = user_agent(self.contact)
        session.headers["Accept-Encoding"] = "gzip"

    # ------------------------------------------------------------------ transport
    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            seconds = retry_after
        else:
            seconds = self.backoff * (2 ** attempt) + self.rng.uniform(0, self.backoff)
        seconds = min(seconds, self.max_wait)
        self.sleep(seconds)
        return seconds

    def get(self, params: dict[str, str]) -> dict[str, Any]:
        """GET the API with ``params`` (plus ``format=json`` and ``maxlag=5``) and return the JSON.

        Retries timeouts, 429/503/5xx, ``maxlag`` errors and unparsable bodies with bounded
        waits; gives up after ``max_attempts``.

        Raises:
            WikidataAPIError: no network / DNS failure, 403 (User-Agent policy), another HTTP
                error, an API ``error`` object, or still failing after the last attempt.
        """
        full = {**params, "format": "json", "maxlag": "5"}
        subject = params.get("search") or params.get("ids") or ""
        subject = subject if len(subject) <= 60 else subject[:57] + "..."
        what = f"{params.get('action', '?')} request" + (f" for {subject!r}" if subject else "")
        import requests
        last = ""
        for attempt in range(self.max_attempts):
            retry_after: float | None = None
            try:
                self.requests_sent += 1
                resp = self.session.get(self.api_url, params=full, timeout=self.timeout)
            except requests.Timeout as exc:
                last = f"timed out ({exc.__class__.__name__})"
            except requests.ConnectionError as exc:
                host = urlsplit(self.api_url).hostname
                text = str(exc)
                if any(k in text for k in ("NameResolutionError", "Failed to resolve", "Name or service not known",
                                           "nodename nor servname", "getaddrinfo failed")):
                    why = f"DNS lookup of {host} failed (no network or DNS failure)"
                else:
                    why = f"cannot connect to {host} (no network?)"
                raise WikidataAPIError(f"{why}: {_short(exc)}") from None
            except requests.RequestException as exc:
                raise WikidataAPIError(f"{what} failed: {_short(exc)}") from None
            else:
                status = resp.status_code
                if status == 403:
                    raise WikidataAPIError(
                        f"HTTP 403 Forbidden from {self.api_url}: Wikimedia refuses clients without a "
                        f"descriptive User-Agent with contact details (sent: {resp.request.headers.get('User-Agent')!r}); "
                        f"server said: {resp.text[:200].strip()!r}"
                    )
                if status in (429, 503) or 500 <= status < 600:
                    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                    last = f"HTTP {status}"
                elif status != 200:
                    raise WikidataAPIError(f"{what}: unexpected HTTP {status} from {self.api_url}")
                else:
                    try:
                        data = json.loads(resp.content.decode("utf-8"))
                    except (ValueError, UnicodeDecodeError) as exc:
                        last = f"unparsable JSON ({exc.__class__.__name__}: {str(exc)[:80]})"
                    else:
                        if not isinstance(data, dict):
                            raise WikidataAPIError(f"{what}: expected a JSON object, got {type(data).__name__}")
                        err = data.get("error")
                        if isinstance(err, dict):
                            if err.get("code") == "maxlag":
                                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                                if retry_after is None and isinstance(err.get("lag"), (int, float)):
                                    retry_after = float(err["lag"])
                                last = f"maxlag: {err.get('info', '')}"
                            else:
                                raise WikidataAPIError(
                                    f"{what}: Wikidata API error {err.get('code')!r}: {err.get('info', '')}"
                                )
                        else:
                            return data
            if attempt + 1 < self.max_attempts:
                self._wait(attempt, retry_after)
        raise WikidataAPIError(f"{what}: gave up after {self.max_attempts} attempts (last: {last})")

    # ------------------------------------------------------------------ API calls
    def search(self, text: str, language: str = "en", limit: int = 10) -> list[SearchHit]:
        """Candidates for ``text`` from ``wbsearchentities`` (label/alias prefix search)."""
        data = self.get({
            "action": "wbsearchentities", "search": text, "language": language,
            "type": "item", "limit": str(limit),
        })
        hits = data.get("search")
        if not isinstance(hits, list):
            raise WikidataAPIError(f"wbsearchentities for {text!r}: answer has no 'search' list")
        out = []
        for h in hits:
            if not isinstance(h, dict) or not _QID.match(str(h.get("id", ""))):
                continue
            match = h.get("match") or {}
            out.append(SearchHit(h["id"], h.get("label"), h.get("description"),
                                 str(match.get("type", "")), match.get("text")))
        return out

    def get_entities(self, ids: Iterable[str], props: str = "labels|aliases|descriptions|claims") -> dict[str, dict[str, Any]]:
        """Entities for ``ids`` from ``wbgetentities``, in batches of at most 50.

        Returns:
            The raw entity objects keyed by the *requested* id. A redirected id maps to the
            target's object (its ``id`` is the target, with a ``redirects`` member); a
            missing id maps to ``{"id": ..., "missing": ""}``.
        """
        wanted = sorted({i for i in ids if _QID.match(i)}, key=lambda q: int(q[1:]))
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start:start + BATCH]
            data = self.get({
                "action": "wbgetentities", "ids": "|".join(batch), "props": props,
                "languages": "en|mul", "languagefallback": "1",
            })
            ents = data.get("entities")
            if not isinstance(ents, dict):
                raise WikidataAPIError(f"wbgetentities for {batch[0]}…: answer has no 'entities' object")
            for key, ent in ents.items():
                if not isinstance(ent, dict):
                    continue
                red = ent.get("redirects")
                requested = str(red["from"]) if isinstance(red, dict) and red.get("from") else key
                out[requested] = ent
        return out


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "…"


# ---------------------------------------------------------------------- parsing
def statement_values(entity: dict[str, Any], prop: str) -> tuple[str, ...]:
    """Item ids of ``prop``'s non-deprecated statements (preferred first), de-duplicated.

    >>> ent = {"claims": {"P31": [
    ...   {"rank": "deprecated", "mainsnak": {"snaktype": "value", "datavalue": {"value": {"id": "Q1"}}}},
    ...   {"rank": "normal", "mainsnak": {"snaktype": "value", "datavalue": {"value": {"id": "Q5"}}}}]}}
    >>> statement_values(ent, "P31")
    ('Q5',)
    """
    claims = (entity.get("claims") or {}).get(prop) or []
    ranked: list[tuple[int, str]] = []
    for st in claims:
        if not isinstance(st, dict) or st.get("rank") == "deprecated":
            continue
        snak = st.get("mainsnak") or {}
        if snak.get("snaktype", "value") != "value":
            continue
        value = (snak.get("datavalue") or {}).get("value")
        qid = value.get("id") if isinstance(value, dict) else None
        if isinstance(qid, str) and _QID.match(qid):
            ranked.append((0 if st.get("rank") == "preferred" else 1, qid))
    seen: list[str] = []
    for _, q in sorted(ranked, key=lambda r: r[0]):
        if q not in seen:
            seen.append(q)
    return tuple(seen)


def text_value(entity: dict[str, Any], field: str) -> str | None:
    """The ``en`` (else ``mul``) value of ``labels`` / ``descriptions``."""
    vals = entity.get(field) or {}
    for lang in ("en", "mul"):
        v = vals.get(lang)
        if isinstance(v, dict) and isinstance(v.get("value"), str):
            return v["value"]
    return None


def alias_values(entity: dict[str, Any]) -> tuple[str, ...]:
    """The ``en`` and ``mul`` aliases, in order, de-duplicated."""
    out: list[str] = []
    for lang in ("en", "mul"):
        for a in (entity.get("aliases") or {}).get(lang) or []:
            if isinstance(a, dict) and isinstance(a.get("value"), str) and a["value"] not in out:
                out.append(a["value"])
    return tuple(out)


def utc_now() -> str:
    """Current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def batched(items: Sequence[str], size: int = BATCH) -> list[list[str]]:
    """Split ``items`` into lists of at most ``size``.

    >>> batched(["a", "b", "c"], 2)
    [['a', 'b'], ['c']]
    """
    return [list(items[i:i + size]) for i in range(0, len(items), size)]
