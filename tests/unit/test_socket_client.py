"""The plain socket reader against a small server that responds as dockerd does, and as it might."""

from __future__ import annotations

import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.engine.socket_client import SocketAPIError, SocketGetter


class FakeEngine:
    """A unix-socket server that replies to each request with the next canned response."""

    def __init__(self, path: Path, responses: list[bytes]) -> None:
        self.path = path
        self.responses = list(responses)
        self.requests: list[bytes] = []
        self.connections = 0
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while self.responses:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            with client:
                buffer = b""
                while self.responses:
                    while b"\r\n\r\n" not in buffer:
                        data = client.recv(4096)
                        if not data:
                            break
                        buffer += data
                    if b"\r\n\r\n" not in buffer:
                        break
                    request, buffer = buffer.split(b"\r\n\r\n", 1)
                    self.requests.append(request)
                    response = self.responses.pop(0)
                    client.sendall(response)
                    if b"Connection: close" in response or b"Content-Length" not in response and b"chunked" not in response:
                        break

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    # A short directory: unix socket paths are limited to about 100 bytes.
    with tempfile.TemporaryDirectory(prefix="dsc-") as directory:
        yield Path(directory)


def serve(socket_dir: Path, *responses: bytes) -> tuple[FakeEngine, SocketGetter]:
    engine = FakeEngine(socket_dir / "engine.sock", list(responses))
    return engine, SocketGetter(engine.path, timeout=5)


def test_content_length_body(socket_dir: Path) -> None:
    engine, getter = serve(socket_dir, b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"Id": "a"}')

    assert getter.get_json("/v1.41/containers/a/json") == {"Id": "a"}
    assert engine.requests[0].startswith(b"GET /v1.41/containers/a/json HTTP/1.1\r\n")
    getter.close()
    engine.close()


def test_chunked_body_with_extension_and_trailer(socket_dir: Path) -> None:
    chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5;name=value\r\n[1, 2\r\n3\r\n, 3\r\n1\r\n]\r\n0\r\nX-Trailer: yes\r\n\r\n")
    engine, getter = serve(socket_dir, chunked)

    assert getter.get_json("/v1.41/containers/json") == [1, 2, 3]
    getter.close()
    engine.close()


def test_keep_alive_reuses_one_connection(socket_dir: Path) -> None:
    first = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"
    second = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n2\r\n0\r\n\r\n"
    engine, getter = serve(socket_dir, first, second)

    assert getter.get_json("/a") == 1
    assert getter.get_json("/b") == 2
    assert engine.connections == 1
    getter.close()
    engine.close()


def test_body_up_to_close(socket_dir: Path) -> None:
    engine, getter = serve(socket_dir, b'HTTP/1.0 200 OK\r\n\r\n{"closed": true}')

    assert getter.get_json("/info") == {"closed": True}
    getter.close()
    engine.close()


def test_error_status_carries_the_engine_message(socket_dir: Path) -> None:
    body = b'{"message":"No such container: gone"}'
    response = b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    engine, getter = serve(socket_dir, response)

    with pytest.raises(SocketAPIError) as raised:
        getter.get_json("/v1.41/containers/gone/json")

    assert raised.value.status == 404
    assert raised.value.reason == "Not Found"
    assert raised.value.explanation == "No such container: gone"
    getter.close()
    engine.close()


def test_stream_ending_mid_body_is_an_error(socket_dir: Path) -> None:
    engine, getter = serve(socket_dir, b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\nConnection: close\r\n\r\n{\"short")

    with pytest.raises(ConnectionError):
        getter.get_json("/info")
    getter.close()
    engine.close()


def test_garbage_status_line_is_an_error(socket_dir: Path) -> None:
    engine, getter = serve(socket_dir, b"SSH-2.0-OpenSSH_9.2\r\n\r\n")

    with pytest.raises(ConnectionError):
        getter.get_json("/version")
    getter.close()
    engine.close()


def test_missing_socket_is_file_not_found(socket_dir: Path) -> None:
    getter = SocketGetter(socket_dir / "absent.sock", timeout=5)

    with pytest.raises(FileNotFoundError):
        getter.get_json("/version")
