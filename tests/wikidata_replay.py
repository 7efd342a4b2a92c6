"""Replaying transport for the Wikidata client's tests: a real ``requests`` adapter.

:class:`ReplayAdapter` is mounted on the injected :class:`requests.Session` for both
``http://`` and ``https://``, so the real client code path runs end to end (params encoded
by requests, headers, status handling) but nothing can reach the network: a request that
matches no recorded exchange (method + URL + query params) raises :class:`UnmatchedRequest`,
an ``AssertionError`` the client does not catch, which fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

RECORDINGS = Path(__file__).parent / "recordings" / "wikidata"


class UnmatchedRequest(AssertionError):
    """A request no recording answers: the test fails instead of reaching the network."""


class ReplayAdapter(BaseAdapter):
    """Serves recorded responses in order; each recording answers once."""

    def __init__(self, interactions: list[dict[str, Any]]) -> None:
        super().__init__()
        self.pending = list(interactions)
        self.log: list[dict[str, Any]] = []

    @classmethod
    def from_file(cls, name: str) -> "ReplayAdapter":
        data = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
        return cls(data["interactions"])

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        parts = urlsplit(request.url or "")
        url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.log.append({"method": request.method, "url": url, "query": query,
                         "headers": dict(request.headers), "timeout": timeout})
        for i, it in enumerate(self.pending):
            req = it["request"]
            if req["method"] == request.method and req["url"] == url and req["query"] == query:
                del self.pending[i]
                return self._respond(it["response"], request)
        raise UnmatchedRequest(
            f"no recording for {request.method} {url} {query}; "
            f"{len(self.pending)} recording(s) left: {[p['request']['query'] for p in self.pending]}")

    @staticmethod
    def _respond(rec: dict[str, Any], request: requests.PreparedRequest) -> requests.Response:
        kind = rec.get("raise")
        if kind == "timeout":
            raise requests.exceptions.ReadTimeout(
                "HTTPSConnectionPool(host='www.wikidata.org', port=443): Read timed out. (read timeout=30.0)",
                request=request)
        if kind == "dns":
            raise requests.exceptions.ConnectionError(
                "HTTPSConnectionPool(host='www.wikidata.org', port=443): Max retries exceeded with url: /w/api.php "
                "(Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object>: Failed to resolve "
                "'www.wikidata.org' ([Errno -3] Temporary failure in name resolution)\"))", request=request)
        if kind:
            raise ValueError(f"unknown recorded failure {kind!r}")
        resp = requests.Response()
        resp.status_code = rec["status"]
        resp.headers = CaseInsensitiveDict(rec.get("headers", {}))
        body = json.dumps(rec["json"]) if "json" in rec else rec.get("text", "")
        resp._content = body.encode("utf-8")
        resp.encoding = "utf-8"
        resp.url = request.url or ""
        resp.request = request
        resp.reason = {200: "OK", 403: "Forbidden", 429: "Too Many Requests", 503: "Service Unavailable"}.get(
            resp.status_code, "")
        return resp

    def close(self) -> None:
        pass


def replay_session(adapter: ReplayAdapter) -> requests.Session:
    """A real Session whose every request goes to ``adapter`` (never to the network)."""
    s = requests.Session()
    s.trust_env = False
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return s
