"""Log stream parsing: escape-sequence removal, frame demultiplexing, messages and line reassembly."""

from __future__ import annotations

import struct

import pytest

from inspector.engine.logtext import (
    PARTIAL_MESSAGE_SIZE,
    STDERR,
    STDOUT,
    FrameDemuxer,
    LineAssembler,
    LogLine,
    LogMessageParser,
    sanitize_text,
)

TS1 = "2026-12-04T19:33:47.700026153Z"
TS2 = "2026-12-04T19:33:48.000000001Z"
TS3 = "2026-12-04T19:33:49.123456789Z"


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def parse_lines(stream: bytes, tty: bool, chunk_size: int | None = None) -> list[LogLine]:
    """Run the parser and assembler over `stream`, fed in chunks of `chunk_size` bytes."""
    parser = LogMessageParser(tty=tty)
    assembler = LineAssembler()
    lines: list[LogLine] = []
    size = chunk_size or len(stream) or 1
    for start in range(0, len(stream), size):
        for piece in parser.feed(stream[start : start + size]):
            lines.extend(assembler.feed(piece))
    for piece in parser.finish():
        lines.extend(assembler.feed(piece))
    lines.extend(assembler.finish())
    return lines


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b]0;evil title\x07after", "after"),
        ("\x1b]0;evil title\x1b\\after", "after"),
        ("\x1b]52;c;ZXZpbA==\x07after", "after"),
        ("\x1b[2J\x1b[Hafter", "after"),
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("\x1b[?1049h\x1b[1;1Hx", "x"),
        ("\x1bPq#0;2;0;0;0\x1b\\x", "x"),
        ("\x9b31mred", "red"),
        ("\x9d0;title\x07x", "x"),
        ("a\x1b(Bb", "ab"),
        ("a\x1bcb", "ab"),
        ("bell\x07 back\x08 cr\r nul\x00 del\x7f", "bell back cr nul del"),
        ("tab\tkept", "tab\tkept"),
        ("\x1b]0;unterminated title", ""),
        ("\x1b[31", ""),
        ("x\x1b", "x"),
        ("one\u2028two", "onetwo"),
        ("[/bold] [red]markup[/red]", "[/bold] [red]markup[/red]"),
        ("plain text é 漢字", "plain text é 漢字"),
    ],
)
def test_sanitize_text_cases(raw: str, expected: str) -> None:
    assert sanitize_text(raw) == expected


def test_sanitize_text_removes_every_control_but_tab_newline() -> None:
    # ESC and the C1 introducers of strings and CSI start sequences, which the cases above cover.
    introducers = {0x1B, 0x90, 0x98, 0x9B, 0x9D, 0x9E, 0x9F}
    controls = [*range(0, 0x20), *range(0x7F, 0xA0)]
    text = "".join(chr(code) for code in controls if code not in introducers) + "end"
    assert sanitize_text(text) == "\t\nend"


def test_demuxer_frames_split_anywhere() -> None:
    stream = frame(STDOUT, b"hello\n") + frame(STDERR, b"oops\n") + frame(STDOUT, b"") + frame(STDOUT, b"bye")
    for size in (1, 3, 7, 8, 9, len(stream)):
        demuxer = FrameDemuxer()
        pieces: list[tuple[int, bytes]] = []
        for start in range(0, len(stream), size):
            pieces.extend((s, bytes(p)) for s, p, _ in demuxer.feed(stream[start : start + size]))
        assert b"".join(p for _, p in pieces) == b"hello\noops\nbye"
        assert b"".join(p for s, p in pieces if s == STDOUT) == b"hello\nbye"
        assert b"".join(p for s, p in pieces if s == STDERR) == b"oops\n"
        assert not demuxer.pending


def test_demuxer_reports_truncated_frame() -> None:
    demuxer = FrameDemuxer()
    list(demuxer.feed(frame(STDOUT, b"hello")[:-2]))
    assert demuxer.pending


def test_multiplexed_lines_keep_stream_and_timestamp() -> None:
    stream = frame(STDOUT, f"{TS1} out\n".encode()) + frame(STDERR, f"{TS2} err\n".encode())
    lines = parse_lines(stream, tty=False, chunk_size=5)
    assert [line.text for line in lines] == ["out", "err"]
    assert [line.timestamp for line in lines] == [TS1, TS2]
    assert [line.stream for line in lines] == [STDOUT, STDERR]


def test_partial_messages_join_into_one_line() -> None:
    part = b"a" * PARTIAL_MESSAGE_SIZE
    stream = (
        frame(STDOUT, f"{TS1} ".encode() + part)
        + frame(STDERR, f"{TS2} interleaved\n".encode())
        + frame(STDOUT, f"{TS3} ".encode() + b"tail\n")
    )
    lines = parse_lines(stream, tty=False, chunk_size=4096)
    assert [line.text for line in lines] == ["interleaved", "a" * PARTIAL_MESSAGE_SIZE + "tail"]
    assert lines[1].timestamp == TS1


def test_tty_stream_strips_partial_timestamps() -> None:
    text = b"b" * (2 * PARTIAL_MESSAGE_SIZE + 100)
    parts = [text[i : i + PARTIAL_MESSAGE_SIZE] for i in range(0, len(text), PARTIAL_MESSAGE_SIZE)]
    stream = b"".join(f"{ts} ".encode() + part for ts, part in zip((TS1, TS2, TS3), parts, strict=True))
    stream += b"\r\n" + f"{TS3} last".encode()
    lines = parse_lines(stream, tty=True, chunk_size=1000)
    assert [line.text for line in lines] == ["b" * len(text), "last"]
    assert [line.timestamp for line in lines] == [TS1, TS3]


def test_tty_stream_empty_lines_and_chunking() -> None:
    stream = f"{TS1} one\r\n{TS2} \r\n{TS3} three\r\n".encode()
    for size in (1, 2, 31, 32, len(stream)):
        lines = parse_lines(stream, tty=True, chunk_size=size)
        assert [line.text for line in lines] == ["one", "", "three"]
        assert [line.timestamp for line in lines] == [TS1, TS2, TS3]


def test_stream_without_timestamps_keeps_text() -> None:
    lines = parse_lines(b"no timestamp here\nsecond\n", tty=True)
    assert [line.text for line in lines] == ["no timestamp here", "second"]
    assert [line.timestamp for line in lines] == ["", ""]


def test_multibyte_character_split_across_chunks() -> None:
    stream = frame(STDOUT, f"{TS1} caf".encode() + "é".encode()[:1]) + frame(STDOUT, "é".encode()[1:] + b"\n")
    lines = parse_lines(stream, tty=False, chunk_size=1)
    assert [line.text for line in lines] == ["café"]


def test_invalid_utf8_becomes_replacement_character() -> None:
    lines = parse_lines(frame(STDOUT, f"{TS1} bad \xff\xfe end\n".encode("latin-1")), tty=False)
    assert lines[0].text == "bad \ufffd\ufffd end"


def test_last_line_without_newline_is_kept() -> None:
    lines = parse_lines(f"{TS1} first\n{TS2} no newline".encode(), tty=True, chunk_size=7)
    assert [line.text for line in lines] == ["first", "no newline"]


def test_escape_sequences_removed_from_lines() -> None:
    payload = f"{TS1} \x1b]0;title\x07\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07\x1b[2J\n".encode()
    lines = parse_lines(frame(STDOUT, payload), tty=False)
    assert lines[0].text == "red "


def test_line_longer_than_maximum_is_split_not_lost() -> None:
    assembler = LineAssembler(max_line_length=10)
    parser = LogMessageParser(tty=True)
    lines: list[LogLine] = []
    for piece in parser.feed(f"{TS1} ".encode() + b"x" * 25 + b"\n"):
        lines.extend(assembler.feed(piece))
    assert [len(line.text) for line in lines] == [10, 10, 5]


def test_demuxer_joined_payload_and_frame_starts() -> None:
    stream = frame(STDOUT, b"hello\n") + frame(STDERR, b"oops\n") + frame(STDOUT, b"") + frame(STDOUT, b"bye")
    for size in (1, 3, 7, 8, 9, len(stream)):
        demuxer = FrameDemuxer()
        payload = b""
        starts: list[int] = []
        for start in range(0, len(stream), size):
            joined, first_start, last_start = demuxer.feed_joined(stream[start : start + size])
            starts.extend(len(payload) + offset for offset in (first_start, last_start) if offset is not None)
            payload += joined
        assert payload == b"hello\noops\nbye"
        assert set(starts) <= {0, 6, 11}
        assert min(starts) == 0
        assert max(starts) == 11
