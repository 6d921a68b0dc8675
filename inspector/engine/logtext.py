"""Pure parsing of the engine's log stream: frame demultiplexing, messages, lines, sanitising.

The engine sends a container's logs (`GET /containers/{id}/logs`) as a multiplexed stream of
frames (an 8-byte header: stream id, 3 zero bytes, big-endian payload length) unless the
container has a TTY, where the stream is raw bytes. With `timestamps=True` every log message
starts with an RFC 3339 time with nanoseconds and a space. Nothing here imports `docker`, so
the TUI and the tests use these functions directly.
"""

from __future__ import annotations

import codecs
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from inspector.text import sanitize_text

STDOUT = 1
STDERR = 2
FRAME_HEADER = struct.Struct(">BxxxL")

# The engine formats log times as `2006-01-02T15:04:05.000000000Z07:00` with fixed nanoseconds,
# so on a UTC engine every prefix is 30 characters and a space.
TIMESTAMP_LENGTH = 30
_TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ")

# Docker's log copier (json-file and local drivers, Docker 20.10) splits a line longer than
# 16 KiB into partial messages of 16384 bytes, each with its own timestamp. In a TTY stream
# the message boundaries are not framed, so the parser needs this size to find them.
PARTIAL_MESSAGE_SIZE = 16 * 1024

# A line longer than this (in characters) is emitted in pieces, so a log without newlines
# cannot grow memory without limit.
MAX_LINE_LENGTH = 1_000_000

def is_timestamp(data: bytes | bytearray) -> bool:
    """Return True when `data` is exactly one engine log time, without the trailing space."""
    return len(data) == TIMESTAMP_LENGTH and _TIMESTAMP.fullmatch(bytes(data) + b" ") is not None


class FrameDemuxer:
    """Split a multiplexed log stream into payload pieces, keeping memory to one chunk.

    `feed` yields `(stream, piece, starts_frame)` for each part of a frame payload found in
    the chunk. A payload split across chunks comes out as several pieces, and only the first
    has `starts_frame` true. Concatenating the pieces gives the payloads in stream order.
    """

    def __init__(self) -> None:
        self._header = bytearray()
        self._stream = STDOUT
        self._remaining = 0
        self._at_frame_start = False

    def feed(self, chunk: bytes) -> Iterator[tuple[int, memoryview, bool]]:
        """Yield the payload pieces contained in `chunk`."""
        view = memoryview(chunk)
        position = 0
        end = len(view)
        while position < end:
            if self._remaining == 0:
                needed = FRAME_HEADER.size - len(self._header)
                if self._header or end - position < FRAME_HEADER.size:
                    self._header += view[position : position + needed]
                    position += min(needed, end - position)
                    if len(self._header) < FRAME_HEADER.size:
                        return
                    self._stream, self._remaining = FRAME_HEADER.unpack(self._header)
                    self._header.clear()
                else:
                    self._stream, self._remaining = FRAME_HEADER.unpack_from(view, position)
                    position += FRAME_HEADER.size
                self._at_frame_start = True
                if self._remaining == 0:
                    continue
            take = min(self._remaining, end - position)
            yield self._stream, view[position : position + take], self._at_frame_start
            self._at_frame_start = False
            self._remaining -= take
            position += take

    def feed_joined(self, chunk: bytes) -> tuple[bytes, int | None, int | None]:
        """Return the payload bytes in `chunk` joined, and where the first and last frame started in them.

        This is `feed` without a generator and per-piece tuples, for exports that only need the
        payload bytes and the first and last message times.
        """
        view = memoryview(chunk)
        header_size = FRAME_HEADER.size
        unpack_from = FRAME_HEADER.unpack_from
        parts: list[memoryview] = []
        length = 0
        first_start: int | None = None
        last_start: int | None = None
        position = 0
        end = len(view)
        while position < end:
            if self._remaining == 0:
                if self._header or end - position < header_size:
                    needed = header_size - len(self._header)
                    self._header += view[position : position + needed]
                    position += min(needed, end - position)
                    if len(self._header) < header_size:
                        break
                    self._stream, self._remaining = FRAME_HEADER.unpack(self._header)
                    self._header.clear()
                else:
                    self._stream, self._remaining = unpack_from(view, position)
                    position += header_size
                if self._remaining == 0:
                    continue
                if first_start is None:
                    first_start = length
                last_start = length
            take = min(self._remaining, end - position)
            parts.append(view[position : position + take])
            length += take
            self._remaining -= take
            position += take
        return b"".join(parts), first_start, last_start

    @property
    def pending(self) -> bool:
        """True when the stream ended inside a frame (a truncated stream)."""
        return bool(self._header) or self._remaining > 0


@dataclass
class LogPiece:
    """Part of one log message: its stream, its start time if it starts a message, its bytes."""

    stream: int
    timestamp: str | None
    data: bytes


class LogMessageParser:
    """Split the engine's log stream (requested with timestamps) into timestamped message pieces.

    For a multiplexed stream each frame is one message. For a TTY stream a message ends at a
    newline or after PARTIAL_MESSAGE_SIZE bytes. A message that does not start with a
    timestamp (an engine that omits them) is passed on with `timestamp` empty.
    """

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self._demuxer = None if tty else FrameDemuxer()
        self._prefix = bytearray()
        self._at_message_start = True
        self._message_bytes = 0
        self._stream = STDOUT

    def feed(self, chunk: bytes) -> list[LogPiece]:
        """Return the message pieces contained in `chunk`, in stream order."""
        pieces: list[LogPiece] = []
        if self._demuxer is None:
            self._feed_tty(chunk, pieces)
            return pieces
        for stream, piece, starts_frame in self._demuxer.feed(chunk):
            if starts_frame:
                self._flush_prefix(pieces)
                self._stream = stream
                self._at_message_start = True
            data = bytes(piece)
            position = self._collect_prefix(data, 0, pieces) if self._at_message_start else 0
            if position < len(data):
                pieces.append(LogPiece(stream, None, data[position:]))
        return pieces

    def finish(self) -> list[LogPiece]:
        """Return what is still held back at the end of the stream."""
        pieces: list[LogPiece] = []
        self._flush_prefix(pieces)
        return pieces

    def _flush_prefix(self, pieces: list[LogPiece]) -> None:
        if self._prefix:
            pieces.append(LogPiece(self._stream, "", bytes(self._prefix)))
            self._message_bytes = len(self._prefix)
            self._prefix.clear()
        self._at_message_start = False

    def _collect_prefix(self, data: bytes, position: int, pieces: list[LogPiece]) -> int:
        """Gather the timestamp at a message start; return the position after what was used."""
        needed = TIMESTAMP_LENGTH + 1 - len(self._prefix)
        newline = data.find(b"\n", position, position + needed)
        stop = min(len(data), position + needed if newline < 0 else newline + 1)
        self._prefix += data[position:stop]
        if len(self._prefix) < TIMESTAMP_LENGTH + 1 and newline < 0:
            return stop
        if _TIMESTAMP.fullmatch(self._prefix):
            pieces.append(LogPiece(self._stream, self._prefix[:-1].decode("ascii"), b""))
            self._prefix.clear()
            self._at_message_start = False
            self._message_bytes = 0
        else:
            self._flush_prefix(pieces)
            if newline >= 0:
                self._at_message_start = True
        return stop

    def _feed_tty(self, chunk: bytes, pieces: list[LogPiece]) -> None:
        position = 0
        while position < len(chunk):
            if self._at_message_start:
                position = self._collect_prefix(chunk, position, pieces)
                continue
            limit = min(len(chunk), position + PARTIAL_MESSAGE_SIZE - self._message_bytes)
            newline = chunk.find(b"\n", position, limit)
            stop = limit if newline < 0 else newline + 1
            pieces.append(LogPiece(STDOUT, None, chunk[position:stop]))
            self._message_bytes += stop - position
            position = stop
            if newline >= 0 or self._message_bytes >= PARTIAL_MESSAGE_SIZE:
                self._at_message_start = True


@dataclass
class LogLine:
    """One complete log line: the time of its first message (empty if unknown), its text, its stream."""

    timestamp: str
    text: str
    stream: int = STDOUT


class LineAssembler:
    """Join message pieces into lines, decoding UTF-8 incrementally per stream.

    Invalid UTF-8 becomes U+FFFD; a multibyte character split across chunks or messages is
    decoded whole. Text is sanitised before it leaves, so no escape sequence survives.
    """

    def __init__(self, max_line_length: int = MAX_LINE_LENGTH) -> None:
        self.max_line_length = max_line_length
        self._decoders: dict[int, codecs.IncrementalDecoder] = {}
        self._pending: dict[int, list[str]] = {}
        self._pending_length: dict[int, int] = {}
        self._pending_timestamp: dict[int, str] = {}

    def feed(self, piece: LogPiece) -> list[LogLine]:
        """Return the lines that `piece` completes."""
        stream = piece.stream
        decoder = self._decoders.get(stream)
        if decoder is None:
            decoder = self._decoders[stream] = codecs.getincrementaldecoder("utf-8")("replace")
        if piece.timestamp and not self._pending.get(stream):
            self._pending_timestamp[stream] = piece.timestamp
        text = decoder.decode(piece.data)
        return self._split(stream, text)

    def finish(self) -> list[LogLine]:
        """Return the last, unterminated line of each stream (a log without a trailing newline)."""
        lines: list[LogLine] = []
        for stream, decoder in self._decoders.items():
            lines.extend(self._split(stream, decoder.decode(b"", final=True)))
            if self._pending.get(stream):
                lines.append(self._take_line(stream))
        return lines

    def _split(self, stream: int, text: str) -> list[LogLine]:
        lines: list[LogLine] = []
        start = 0
        while True:
            newline = text.find("\n", start)
            self._append_pending(stream, text[start : len(text) if newline < 0 else newline], lines)
            if newline < 0:
                return lines
            lines.append(self._take_line(stream))
            start = newline + 1

    def _append_pending(self, stream: int, segment: str, lines: list[LogLine]) -> None:
        pending = self._pending.setdefault(stream, [])
        while True:
            room = self.max_line_length - self._pending_length.get(stream, 0)
            if len(segment) <= room:
                if segment:
                    pending.append(segment)
                    self._pending_length[stream] = self._pending_length.get(stream, 0) + len(segment)
                return
            pending.append(segment[:room])
            self._pending_length[stream] = self.max_line_length
            lines.append(self._take_line(stream))
            segment = segment[room:]

    def _take_line(self, stream: int) -> LogLine:
        parts = self._pending.get(stream, [])
        text = "".join(parts)
        parts.clear()
        self._pending_length[stream] = 0
        timestamp = self._pending_timestamp.pop(stream, "")
        # A TTY turns "\n" into "\r\n"; the carriage return is line-ending noise, not content.
        text = text.removesuffix("\r")
        return LogLine(timestamp=timestamp, text=sanitize_text(text), stream=stream)
