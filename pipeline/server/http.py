"""uvicorn's httptools protocol with one socket write per response instead of two.

uvicorn writes the status line and headers as soon as the application sends
``http.response.start``, then the body on ``http.response.body``: two ``send()`` system calls for
every small answer. Profiled under the lookup benchmark, those writes were the largest single cost
of a request in the HTTP process. :class:`CoalescingHttpToolsProtocol` gives uvicorn a transport
that collects the writes made during one turn of the event loop and hands them to the socket once,
at the end of that turn (``loop.call_soon``): headers and body of a response leave together, and
nothing is held back longer than the current callback.

Use: ``uvicorn.Config(app, http=CoalescingHttpToolsProtocol)``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _CoalescingTransport:
    """Wraps a transport: ``write`` collects, a ``call_soon`` callback flushes; the rest delegates."""

    __slots__ = ("_transport", "_loop", "_pending", "_scheduled")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._scheduled = False

    def write(self, data: bytes) -> None:
        if not data:
            return
        self._pending.append(data)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a :class:`_CoalescingTransport`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]
