"""The wire, hardened: what pygls leaves unanswered or unrecoverable is answered here.

* A request whose params do not fit its method gets ``InvalidParams`` (pygls raised while
  decoding, so the client waited forever); a bad notification is logged and dropped.
* After ``shutdown``, a request gets ``InvalidRequest`` (the spec's answer; pygls sent
  none); ``exit`` still ends the process.
* A frame whose header is not ``Content-Length: N`` (or ``Content-Type``) is skipped up to
  the next valid header (``ResyncingReader``): one bad frame must not leave the server
  deaf. A frame whose valid ``Content-Length`` runs past its body cannot be recovered.
* ``exit`` without ``shutdown`` ends the process with status 1, as the spec asks.
"""

from __future__ import annotations

import logging
import re
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol

_log = logging.getLogger(__name__)

_HEADER = re.compile(rb"(Content-Length: \d+|Content-Type: [^\r\n]*)?\r\n")
_FRAME_START = b"Content-Length: "


class _Answered:
    """A message already dealt with while it was decoded (nothing more to do)."""

    jsonrpc = "2.0"


class HardenedProtocol(LanguageServerProtocol):
    """pygls's protocol, answering every request (see the module docstring)."""

    #: set when ``exit`` arrives: 0 after ``shutdown``, else 1
    exit_code: int | None = None

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            method = data.get("method")
            if "id" in data and isinstance(method, str):
                message = f"invalid params for {method}"
                _log.warning("%s (request %r): answered InvalidParams", message, data["id"])
                self._send_response(
                    data["id"], None, JsonRpcInvalidParams(message).to_response_error()
                )
            else:
                _log.warning("dropped a message that does not decode (%s)", type(error).__name__)
            return _Answered()

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Answered):
            return
        method = getattr(message, "method", None)
        if method == types.EXIT:
            self.exit_code = 0 if self._shutdown else 1
        if self._shutdown and method != types.EXIT and hasattr(message, "id") and method:
            error = JsonRpcInvalidRequest(f"the server is shut down: {method} not handled")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)


class ResyncingReader:
    """stdin as pygls reads it (``readline`` for headers, ``read`` for a body), where a
    header line that is not one skips ahead to the next ``Content-Length:``."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._pending = b""

    def readline(self) -> bytes:
        while True:
            line = self._line()
            if not line or _HEADER.fullmatch(line):
                return line
            _log.warning("skipped a malformed frame header: %r", line[:80])
            if not self._skip_to_frame(line):
                return b""

    def read(self, size: int) -> bytes:
        if self._pending:
            taken, self._pending = self._pending[:size], self._pending[size:]
            if len(taken) < size:
                taken += self._stream.read(size - len(taken))
            return taken
        return self._stream.read(size)

    def _line(self) -> bytes:
        if self._pending:
            end = self._pending.find(b"\n")
            if end >= 0:
                line, self._pending = self._pending[: end + 1], self._pending[end + 1 :]
                return line
            line, self._pending = self._pending, b""
            return line + self._stream.readline()
        return self._stream.readline()

    def _skip_to_frame(self, bad: bytes) -> bool:
        """Drop bytes up to the next ``Content-Length:`` (after the bad line's start);
        False at the end of the stream."""
        window = bad[1:]
        while True:
            found = window.find(_FRAME_START)
            if found >= 0:
                self._pending = window[found:] + self._pending
                return True
            chunk = self._pending or self._stream.readline()
            self._pending = b""
            if not chunk:
                return False
            # keep a tail in case the marker straddles two chunks
            window = window[-len(_FRAME_START) :] + chunk
