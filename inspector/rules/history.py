"""Image history parsing: each `CreatedBy` line as a Dockerfile instruction with its arguments.

The engine records steps in three formats:

- classic builder: `/bin/sh -c #(nop)  ENV A=b` for metadata steps and `/bin/sh -c cmd` for RUN;
- BuildKit: `ENV A=b`, `RUN /bin/sh -c cmd # buildkit`;
- Buildah (and the classic builder when build arguments are in use): RUN steps prefixed with
  `|N key=value ...`, the N build arguments the step saw.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from inspector.model.fields import as_list

INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)

_BUILDKIT_SUFFIX = re.compile(r"\s*#\s*buildkit\s*$")
_NOP = re.compile(r"^/bin/sh\s+-c\s+#\(nop\)\s*")
_INSTRUCTION = re.compile(r"^([A-Z]+)(?:\s+(.*))?$", re.DOTALL)
_BUILD_ARGS = re.compile(r"^\|(\d+)\s+")
_ASSIGNMENT_START = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*=")
# `/bin/sh -c`, `bash -o pipefail -c`, Windows `cmd /S /C`: the shell that wraps a RUN command.
_SHELL_PREFIX = re.compile(
    r"^(?:(?:\S*/)?(?:sh|bash|ash|dash|zsh)(?:\s+-[A-Za-z]+(?:\s+[a-z]+)?)*?\s+-c\s+|cmd\s+/S\s+/C\s+)",
    re.IGNORECASE,
)
# The same wrapper anywhere in a line, to find where `|N key=value ...` build arguments end.
_SHELL_IN_LINE = re.compile(r"(?<!\S)(?:\S*/)?(?:sh|bash|ash|dash|zsh)(?:\s+-[A-Za-z]+(?:\s+[a-z]+)?)*?\s+-c\s")
_RUN_FLAGS = re.compile(r"^(?:--[a-z-]+=\S+\s+)+")
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"})
_REDIRECTS = frozenset({">", ">>", "<", "<<", ">&", "<&", "&>", "&>>", "<<<"})


@dataclass(frozen=True)
class HistoryStep:
    """One parsed history entry.

    `instruction` is the Dockerfile keyword, or "" for a step that no instruction created (an
    import or a `docker commit`). For RUN, `arguments` is the shell command without its shell wrapper and
    `build_args` the `|N key=value` pairs the step recorded.
    """

    instruction: str
    arguments: str
    build_args: tuple[tuple[str, str], ...] = ()


def _split_build_args(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """Split a `|N k=v k=v cmd` prefix off `text`; values may contain spaces, keys may not."""
    match = _BUILD_ARGS.match(text)
    if not match:
        return (), text
    count = int(match.group(1))
    rest = text[match.end():]
    shell = _SHELL_IN_LINE.search(rest)
    if shell is None:
        # No shell wrapper to stop at: take N whitespace-separated words.
        words = rest.split(" ")
        head, command = words[:count], " ".join(words[count:])
    else:
        head, command = rest[: shell.start()].split(" "), rest[shell.start():].lstrip()
    pairs: list[list[str]] = []
    for word in head:
        if _ASSIGNMENT_START.match(word) or not pairs:
            key, _, value = word.partition("=")
            pairs.append([key, value])
        else:
            pairs[-1][1] += " " + word
    return tuple((key, value.strip()) for key, value in pairs if key), command


def _shell_command(text: str) -> str:
    text = _RUN_FLAGS.sub("", text.strip())
    return _SHELL_PREFIX.sub("", text, count=1)


def parse_step(created_by: str) -> HistoryStep:
    """Parse one history `CreatedBy` line."""
    text = _BUILDKIT_SUFFIX.sub("", created_by.strip())
    nop = _NOP.match(text)
    if nop:
        text = text[nop.end():]
    elif _BUILD_ARGS.match(text) or _SHELL_PREFIX.match(text):
        build_args, command = _split_build_args(text)
        return HistoryStep("RUN", _shell_command(command), build_args)
    match = _INSTRUCTION.match(text)
    if not match or match.group(1) not in INSTRUCTIONS:
        return HistoryStep("", text)
    instruction, arguments = match.group(1), (match.group(2) or "").strip()
    if instruction != "RUN":
        return HistoryStep(instruction, arguments)
    build_args, command = _split_build_args(_RUN_FLAGS.sub("", arguments))
    return HistoryStep("RUN", _shell_command(command), build_args)


def parse_history(history: list[dict[str, Any]]) -> list[HistoryStep]:
    """Parse an image's history (as the engine returns it, newest first) into steps, oldest first."""
    steps = [parse_step(str(entry.get("CreatedBy") or "")) for entry in as_list(history) if isinstance(entry, dict)]
    steps.reverse()
    return steps


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def assignments(step: HistoryStep) -> list[tuple[str, str | None]]:
    """Return the (key, value) pairs an ENV or ARG step sets; an ARG without default has value None."""
    words = _words(step.arguments)
    if not words:
        return []
    if step.instruction == "ENV" and "=" not in words[0]:
        # Legacy `ENV KEY value with spaces`.
        return [(words[0], " ".join(words[1:]))]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        if "=" in word:
            key, _, value = word.partition("=")
            pairs.append((key, value))
        elif step.instruction == "ENV" and pairs:
            # An unquoted value with spaces, as the classic builder records it.
            key, value = pairs[-1]
            pairs[-1] = (key, f"{value} {word}")
        else:
            pairs.append((word, None))
    return pairs


def add_destination(step: HistoryStep) -> str:
    """Return the destination of an ADD or COPY step (`file:... in /dest` or `src /dest`)."""
    text = step.arguments.strip()
    if " in " in text:
        return text.rsplit(" in ", 1)[1].strip()
    words = _words(text)
    return words[-1] if words else ""


def command_segments(command: str) -> list[list[str]]:
    """Split a shell command into simple commands at `&&`, `||`, `;`, `|`, `&` and newlines.

    Redirections and their targets are dropped. Unbalanced quotes fall back to splitting on
    whitespace, so a malformed step is still checked.
    """
    text = command.replace("\\\n", " ").replace("\n", " ; ")
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = re.sub(r"(&&|\|\||;|\|)", r" \1 ", text).split()
    segments: list[list[str]] = [[]]
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            continue
        if token in _SEPARATORS:
            segments.append([])
        elif token in _REDIRECTS:
            skip_next = True
        else:
            segments[-1].append(token)
    return [segment for segment in segments if segment]


_WRAPPERS = frozenset({"sudo", "env", "exec", "command", "nohup", "time", "xargs"})
# Shell keywords that may precede a command in the same simple-command segment.
_KEYWORDS = frozenset({"do", "then", "else", "elif", "if", "while", "until", "!", "{", "}"})


def effective_command(segment: list[str], *, skip_wrappers: bool = True) -> list[str]:
    """Return a simple command without leading keywords, `KEY=value` assignments and wrappers such as sudo."""
    index = 0
    while index < len(segment):
        word = segment[index]
        if word in _KEYWORDS or _ASSIGNMENT_START.match(word):
            index += 1
        elif skip_wrappers and word in _WRAPPERS:
            index += 1
            # Skip the wrapper's own options (`sudo -E`, `env -i`).
            while index < len(segment) and segment[index].startswith("-"):
                index += 1
        else:
            break
    return segment[index:]


def program_name(word: str) -> str:
    """Return a command word without its directory (`/usr/bin/apt-get` gives `apt-get`)."""
    return word.rsplit("/", 1)[-1]
