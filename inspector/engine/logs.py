"""Container log streaming and export, reading the engine's raw log stream.

`export_logs` writes the engine's bytes (with engine timestamps, stdout and stderr in stream
order) to a file that equals `docker logs --timestamps <id>` output, streaming in chunks so
memory stays flat. `stream_log_lines` yields sanitised lines for the log viewer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docker
import requests
import urllib3.exceptions

from inspector.engine.actions import ActionError
from inspector.engine.logtext import (
    TIMESTAMP_LENGTH,
    FrameDemuxer,
    LineAssembler,
    LogLine,
    LogMessageParser,
    is_timestamp,
    sanitize_text,
)
from inspector.model.fields import dig

log = logging.getLogger(__name__)

CHUNK_SIZE = 256 * 1024


class ExportCancelled(Exception):
    """The user cancelled a log export; no file was left behind."""


@dataclass(frozen=True)
class LogExport:
    """A finished log export: the log file, its sidecar and what the sidecar records."""

    path: Path
    sidecar_path: Path
    container_id: str
    container_name: str
    image: str
    first_timestamp: str | None
    last_timestamp: str | None
    byte_count: int
    sha256: str


def open_log_stream(
    api: docker.APIClient,
    container_id: str,
    *,
    follow: bool,
    tail: int | None = None,
    timestamps: bool = True,
) -> requests.Response:
    """Open `GET /containers/{id}/logs` for stdout and stderr and return the undecoded response."""
    # The SDK's `logs()` demultiplexes and buffers whole frames. The raw response lets the
    # caller stream frames of any size in fixed chunks, in the stream order of both outputs.
    url = f"{api.base_url}/v{api.api_version}/containers/{quote(container_id, safe='')}/logs"
    params: dict[str, Any] = {
        "stdout": 1,
        "stderr": 1,
        "timestamps": int(timestamps),
        "follow": int(follow),
        "tail": "all" if tail is None else str(tail),
    }
    # A followed log may be silent for hours, so only the connection has a time limit then.
    timeout = (api.timeout, None) if follow else api.timeout
    short_id = container_id[:12]
    try:
        response = api.get(url, params=params, stream=True, timeout=timeout)
    except requests.exceptions.RequestException as error:
        raise ActionError(f"Cannot read the logs of {short_id}: the engine did not respond ({error}).") from error
    if response.status_code == 404:
        response.close()
        raise ActionError(f"Cannot read the logs of {short_id}: the container no longer exists.", "not_found")
    if response.status_code >= 400:
        try:
            message = str(response.json().get("message", "")).strip()
        except ValueError:
            message = response.text.strip()
        response.close()
        raise ActionError(f"Cannot read the logs of {short_id}: the engine returned an error: {message}")
    return response


def close_log_stream(response: requests.Response) -> None:
    """Close a log stream, waking a thread blocked reading it (safe to call from another thread)."""
    # Closing the response alone does not interrupt a blocked recv() on Linux. Shutting the
    # socket down makes that read return at once, so a followed log ends without new output.
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            log.debug("log stream socket was already closed")
    response.close()


def _is_tty(inspect: dict[str, Any]) -> bool:
    return bool(dig(inspect, "Config", "Tty"))


def export_file_name(container_name: str, container_id: str, moment: datetime) -> str:
    """Return `<name>-<short id>-<UTC time>.log` with the name made safe as a file name."""
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in container_name.lstrip("/")) or "container"
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{safe_name}-{container_id[:12]}-{stamp}.log"


def _link_without_overwrite(source: Path, directory: Path, stem: str, suffix: str) -> Path:
    """Hard-link `source` to the first free `<stem>[-N]<suffix>` in `directory` and return it."""
    for attempt in range(10_000):
        candidate = directory / (f"{stem}{suffix}" if attempt == 0 else f"{stem}-{attempt}{suffix}")
        try:
            # link() fails when the name exists, so a file another process created meanwhile
            # is never replaced (rename() would replace it).
            os.link(source, candidate)
        except FileExistsError:
            continue
        return candidate
    raise OSError(f"no free file name for {stem}{suffix} in {directory}")


def _free_stem(directory: Path, stem: str) -> str:
    """Return `stem` or `stem-N`, the first for which neither the .log nor the .json exists."""
    for attempt in range(10_000):
        candidate = stem if attempt == 0 else f"{stem}-{attempt}"
        if not (directory / f"{candidate}.log").exists() and not (directory / f"{candidate}.json").exists():
            return candidate
    raise OSError(f"no free file name for {stem}.log in {directory}")


class _TimeRange:
    """First and last message timestamps seen in a log stream, kept in constant memory."""

    def __init__(self) -> None:
        self.first: str | None = None
        self.last: str | None = None
        self._candidate = bytearray()
        self._collecting = True

    def start_message(self) -> None:
        self._finish_candidate()
        self._candidate.clear()
        self._collecting = True

    def feed(self, data: bytes | memoryview) -> None:
        if self._collecting:
            self._candidate += data[: TIMESTAMP_LENGTH - len(self._candidate)]
            if len(self._candidate) >= TIMESTAMP_LENGTH:
                self._finish_candidate()

    def _finish_candidate(self) -> None:
        if self._collecting and is_timestamp(self._candidate):
            value = self._candidate.decode("ascii")
            if self.first is None:
                self.first = value
            self.last = value
        self._collecting = False


def _raw_chunks(response: requests.Response) -> Iterator[bytes]:
    """Yield the response body in blocks of up to CHUNK_SIZE bytes, whatever its HTTP chunks.

    dockerd sends each log message as its own HTTP chunk, and `iter_content` yields them one by
    one through urllib3's chunk parser: with 100-byte lines that capped an export at about
    10 MiB/s of CPU-bound Python. Reading the raw response leaves the chunked decoding to
    http.client and hands over whole blocks.
    """
    try:
        while block := response.raw.read(CHUNK_SIZE, decode_content=False):
            yield block
    except urllib3.exceptions.HTTPError as error:
        # What iter_content would raise, so callers handle one family of errors.
        raise requests.exceptions.ConnectionError(error) from error


def _stream_payload(
    response: requests.Response, tty: bool, time_range: _TimeRange, cancel: threading.Event
) -> Iterator[bytes]:
    """Yield the payload bytes of the response in stream order, one joined block per chunk."""
    demuxer = None if tty else FrameDemuxer()
    for chunk in _raw_chunks(response):
        if cancel.is_set():
            raise ExportCancelled
        if demuxer is None:
            yield from _tty_blocks(chunk, time_range)
            continue
        payload, first_start, last_start = demuxer.feed_joined(chunk)
        # A timestamp split across chunks is completed from the start of the next chunk.
        time_range.feed(payload[:TIMESTAMP_LENGTH])
        for start in dict.fromkeys((first_start, last_start)):
            if start is not None:
                time_range.start_message()
                time_range.feed(payload[start : start + TIMESTAMP_LENGTH])
        yield payload
    if demuxer is not None and demuxer.pending:
        log.warning("log stream ended inside a frame, so the export is truncated")


def _tty_blocks(chunk: bytes, time_range: _TimeRange) -> Iterator[bytes]:
    # In a TTY stream only line starts are tracked, and only the last one of each chunk, so
    # a line longer than one log message (16 KiB) reports the time of its first part.
    time_range.feed(chunk[:TIMESTAMP_LENGTH])
    last_newline = chunk.rfind(b"\n")
    if last_newline >= 0:
        time_range.start_message()
        time_range.feed(chunk[last_newline + 1 : last_newline + 1 + TIMESTAMP_LENGTH])
    yield chunk


def export_logs(
    api: docker.APIClient,
    inspect: dict[str, Any],
    directory: Path,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int], None] | None = None,
    moment: datetime | None = None,
) -> LogExport:
    """Write the container's whole log to a new file in `directory`, with a JSON sidecar.

    The log streams to a temporary file (mode 0600) in the same directory, then is linked
    to its final name, so a reader never sees a partial file and nothing is overwritten.
    Setting `cancel` stops the export, removes the temporary file and raises ExportCancelled.
    """
    cancel = cancel or threading.Event()
    moment = moment or datetime.now(UTC)
    container_id = str(inspect.get("Id") or "")
    container_name = str(inspect.get("Name") or "").lstrip("/")
    image = str(dig(inspect, "Config", "Image", default="") or "")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    file_name = export_file_name(container_name, container_id, moment)
    stem = _free_stem(directory, file_name.removesuffix(".log"))
    # mkstemp creates the file with mode 0600, and linking keeps that mode for the final name.
    descriptor, temporary_name = tempfile.mkstemp(dir=directory, prefix=f".{stem}.", suffix=".part")
    temporary = Path(temporary_name)
    hasher = hashlib.sha256()
    byte_count = 0
    time_range = _TimeRange()
    try:
        response = open_log_stream(api, container_id, follow=False, timestamps=True)
        with response, os.fdopen(descriptor, "wb") as output:
            for block in _stream_payload(response, _is_tty(inspect), time_range, cancel):
                output.write(block)
                hasher.update(block)
                byte_count += len(block)
                if progress is not None:
                    progress(byte_count)
            time_range.start_message()
            output.flush()
            os.fsync(output.fileno())
        result = LogExport(
            path=temporary,
            sidecar_path=temporary,
            container_id=container_id,
            container_name=container_name,
            image=image,
            first_timestamp=time_range.first,
            last_timestamp=time_range.last,
            byte_count=byte_count,
            sha256=hasher.hexdigest(),
        )
        log_path = _link_without_overwrite(temporary, directory, stem, ".log")
    except requests.exceptions.RequestException as error:
        raise ActionError(f"Cannot export the logs of {container_id[:12]}: the stream failed ({error}).") from error
    finally:
        temporary.unlink(missing_ok=True)

    sidecar_path = _write_sidecar(directory, log_path.name.removesuffix(".log"), result)
    log.info("exported %d bytes of logs of container %s to %s", byte_count, container_id, log_path)
    return LogExport(**{**asdict(result), "path": log_path, "sidecar_path": sidecar_path})


def _write_sidecar(directory: Path, stem: str, result: LogExport) -> Path:
    sidecar = {
        "container_id": result.container_id,
        "container_name": result.container_name,
        "image": result.image,
        "log_file": f"{stem}.log",
        "time_range": {"first": result.first_timestamp, "last": result.last_timestamp},
        "byte_count": result.byte_count,
        "sha256": result.sha256,
    }
    descriptor, temporary_name = tempfile.mkstemp(dir=directory, prefix=f".{stem}.", suffix=".part")
    temporary = Path(temporary_name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as output:
            json.dump(sidecar, output, indent=2)
            output.write("\n")
        return _link_without_overwrite(temporary, directory, stem, ".json")
    finally:
        temporary.unlink(missing_ok=True)


def stream_log_lines(
    api: docker.APIClient,
    inspect: dict[str, Any],
    *,
    tail: int,
    follow: bool,
    stop: threading.Event,
    on_open: Callable[[requests.Response], None] | None = None,
) -> Iterator[list[LogLine]]:
    """Yield batches of sanitised log lines: the last `tail` lines, then new ones while `follow`.

    Setting `stop` (and closing the response passed to `on_open`, which unblocks a waiting
    read) ends the stream. The last line is yielded even without a trailing newline.
    """
    # NOTE: while following, a line without its newline (a prompt) shows only once the line
    # ends or the stream ends, because lines are emitted whole.
    container_id = str(inspect.get("Id") or "")
    parser = LogMessageParser(tty=_is_tty(inspect))
    assembler = LineAssembler()
    response = open_log_stream(api, container_id, follow=follow, tail=tail, timestamps=True)
    if on_open is not None:
        on_open(response)
    try:
        # A small chunk size keeps a followed log live; iter_content returns what has arrived.
        for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
            if stop.is_set():
                return
            lines: list[LogLine] = []
            for piece in parser.feed(chunk):
                lines.extend(assembler.feed(piece))
            if lines:
                yield lines
    except (requests.exceptions.RequestException, AttributeError, ValueError) as error:
        # Closing the response from another thread to stop a follow surfaces as one of these.
        if stop.is_set():
            return
        raise ActionError(f"The log stream of {container_id[:12]} failed: {error}") from error
    finally:
        response.close()
    lines = []
    for piece in parser.finish():
        lines.extend(assembler.feed(piece))
    lines.extend(assembler.finish())
    if lines:
        yield lines


__all__ = [
    "ExportCancelled",
    "LogExport",
    "LogLine",
    "close_log_stream",
    "export_logs",
    "export_file_name",
    "open_log_stream",
    "sanitize_text",
    "stream_log_lines",
]
