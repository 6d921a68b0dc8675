"""Plain `http.client` GETs over the engine's unix socket, for the many inspects of a full collection.

Through the SDK, each request passes requests and urllib3: about 0.6 ms of CPU per container
inspect on a 2-core VM, against about 0.16 ms for the same GET with `http.client` on the same socket
(see benchmarks/RESULTS.md). With a thousand containers that difference is most of the gap
between a scan and `docker inspect` of every container.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path
from typing import Any

import docker.errors
import requests


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, socket_path: str, timeout: float | None) -> None:
        super().__init__("localhost", timeout=timeout)
        self._socket_path = socket_path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class SocketGetter:
    """GETs engine JSON over one keep-alive connection per thread; errors are the SDK's exceptions."""

    def __init__(self, socket_path: Path, timeout: float | None) -> None:
        self.socket_path = str(socket_path)
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[_UnixConnection] = []

    def get_json(self, path: str) -> Any:
        """Return the decoded JSON of `GET path`; raise `docker.errors.APIError` (`NotFound` on 404) or OSError."""
        for attempt in range(2):
            connection, reused = self._connection()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self._discard(connection)
                # The engine may close an idle keep-alive connection; a GET is safe to send again once.
                if reused and attempt == 0:
                    continue
                if isinstance(error, OSError):
                    raise
                raise ConnectionError(f"GET {path} on {self.socket_path} failed: {error}") from error
            if response.will_close:
                self._discard(connection)
            if response.status >= 400:
                _raise_api_error(response, body, path)
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


def _raise_api_error(response: http.client.HTTPResponse, body: bytes, path: str) -> None:
    # The SDK builds its exceptions from a requests response. A minimal one gives the same class
    # (NotFound for 404), status code and explanation as a request sent through the SDK.
    fake = requests.models.Response()
    fake.status_code = response.status
    fake.reason = response.reason
    fake.url = f"http+docker://localhost{path}"
    fake._content = body
    docker.errors.create_api_error_from_http_exception(requests.exceptions.HTTPError(response=fake))
