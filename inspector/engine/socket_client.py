"""Plain HTTP GETs over the engine's unix socket, for the many inspects of a full collection.

Through the SDK, each request passes requests and urllib3: about 0.6 ms of CPU per container
inspect on a 2-core VM, against about 0.16 ms with `http.client` on the same socket and less again
with the small reader below (see benchmarks/RESULTS.md). With a thousand containers that
difference is most of the gap between a scan and `docker inspect` of every container.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path
from typing import Any

# Standard library only: `dsc-tui scan` reads a local engine through this module while the rest
# of the program (pydantic, the rules) is still being imported, and the SDK is never loaded.


class SocketAPIError(Exception):
    """The engine returned an error status for a GET; `body` is its raw response body."""

    def __init__(self, status: int, reason: str, body: bytes, path: str) -> None:
        super().__init__(f"GET {path} returned {status} {reason}")
        self.status = status
        self.reason = reason
        self.body = body
        self.path = path

    @property
    def explanation(self) -> str:
        """The engine's `message`, or the body as text when it is not the usual JSON error."""
        try:
            message = json.loads(self.body).get("message")
        except (ValueError, AttributeError):
            message = None
        return str(message) if message else self.body.decode("utf-8", "replace").strip()


class _UnixConnection:
    """One keep-alive HTTP/1.1 connection on a unix socket that sends GETs and reads whole responses.

    It reads what dockerd sends: a status line, headers, then a chunked or a Content-Length body, or
    a body up to the end of the stream. `http.client` parses headers with the email package, which
    cost more CPU per inspect than the engine's own work.
    """

    def __init__(self, socket_path: str, timeout: float | None) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock
        self._buffer = bytearray()

    def get(self, path: str) -> tuple[int, str, bytes, bool]:
        """Send `GET path`; return the status, reason, body, and whether the engine closes the connection."""
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: docker\r\nAccept-Encoding: identity\r\n\r\n".encode("ascii"))
        status_line, *header_lines = self._read_until(b"\r\n\r\n").split(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
            raise http.client.BadStatusLine(status_line.decode("latin-1"))
        headers: dict[bytes, bytes] = {}
        for line in header_lines:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        closes = headers.get(b"connection", b"").lower() == b"close" or parts[0] == b"HTTP/1.0"
        if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            body = self._read_chunked()
        elif b"content-length" in headers:
            body = self._read_exact(int(headers[b"content-length"]))
        else:
            body = self._read_to_end()
            closes = True
        reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
        return int(parts[1]), reason, body, closes

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise http.client.IncompleteRead(bytes(self._buffer))
        self._buffer += data

    def _read_until(self, marker: bytes) -> bytes:
        start = 0
        while (end := self._buffer.find(marker, start)) < 0:
            start = max(0, len(self._buffer) - len(marker) + 1)
            self._fill()
        data = bytes(self._buffer[:end])
        del self._buffer[:end + len(marker)]
        return data

    def _read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._fill()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while size := int(self._read_until(b"\r\n").split(b";", 1)[0].strip() or b"0", 16):
            chunks.append(self._read_exact(size))
            self._read_exact(2)  # the CRLF after each chunk
        while self._read_until(b"\r\n"):
            pass  # trailer lines, up to the empty line that ends the response
        return b"".join(chunks)

    def _read_to_end(self) -> bytes:
        while data := self.sock.recv(65536):
            self._buffer += data
        body = bytes(self._buffer)
        self._buffer.clear()
        return body

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()


class SocketGetter:
    """GETs engine JSON over one keep-alive connection per thread."""

    def __init__(self, socket_path: Path, timeout: float | None) -> None:
        self.socket_path = str(socket_path)
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[_UnixConnection] = []

    def get_json(self, path: str) -> Any:
        """Return the decoded JSON of `GET path`; raise `SocketAPIError` for an error status, or OSError."""
        for attempt in range(2):
            connection, reused = self._connection()
            try:
                status, reason, body, closes = connection.get(path)
            except (OSError, ValueError, http.client.HTTPException) as error:
                self._discard(connection)
                # The engine may close an idle keep-alive connection; a GET is safe to send again once.
                if reused and attempt == 0:
                    continue
                if isinstance(error, OSError):
                    raise
                raise ConnectionError(f"GET {path} on {self.socket_path} failed: {error}") from error
            if closes:
                self._discard(connection)
            if status >= 400:
                raise SocketAPIError(status, reason, body, path)
            return json.loads(body)
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _connection(self) -> tuple[_UnixConnection, bool]:
        connection: _UnixConnection | None = getattr(self._local, "connection", None)
        if connection is not None:
            return connection, True
        connection = _UnixConnection(self.socket_path, self.timeout)
        self._local.connection = connection
        with self._lock:
            self._connections.append(connection)
        return connection, False

    def _discard(self, connection: _UnixConnection) -> None:
        connection.close()
        self._local.connection = None
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)

    def close(self) -> None:
        """Close the connections of every thread."""
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

