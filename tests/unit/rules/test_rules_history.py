"""History parsing in the classic, BuildKit and Buildah formats, and shell command splitting."""

from __future__ import annotations

import pytest
from rulefixtures import load

from inspector.rules.history import (
    HistoryStep,
    add_destination,
    assignments,
    command_segments,
    effective_command,
    parse_history,
    parse_step,
)


@pytest.mark.parametrize(
    ("created_by", "expected"),
    [
        ("/bin/sh -c #(nop)  ENV A=b", HistoryStep("ENV", "A=b")),
        ("/bin/sh -c #(nop) ADD file:abc in / ", HistoryStep("ADD", "file:abc in /")),
        ("/bin/sh -c apt-get update", HistoryStep("RUN", "apt-get update")),
        ("|2 A=1 B=2 /bin/sh -c make", HistoryStep("RUN", "make", (("A", "1"), ("B", "2")))),
        ("ENV A=b", HistoryStep("ENV", "A=b")),
        ("RUN /bin/sh -c apk add curl # buildkit", HistoryStep("RUN", "apk add curl")),
        ("RUN |1 TOKEN=x /bin/sh -c npm ci # buildkit", HistoryStep("RUN", "npm ci", (("TOKEN", "x"),))),
        ("COPY app /srv # buildkit", HistoryStep("COPY", "app /srv")),
        ("RUN /bin/bash -o pipefail -c curl -fsSL x | sh # buildkit", HistoryStep("RUN", "curl -fsSL x | sh")),
        ("RUN --mount=type=cache,target=/root/.cache /bin/sh -c pip install x # buildkit", HistoryStep("RUN", "pip install x")),
        ("|1 MSG=two words /bin/sh -c echo", HistoryStep("RUN", "echo", (("MSG", "two words"),))),
        ("", HistoryStep("", "")),
        ("sleep 600", HistoryStep("", "sleep 600")),
    ],
)
def test_parse_step(created_by: str, expected: HistoryStep) -> None:
    assert parse_step(created_by) == expected


def test_parse_history_is_oldest_first() -> None:
    steps = parse_history(load("image-classic-history.json"))
    assert steps[0].instruction == ""
    assert steps[1] == HistoryStep("ARG", "NPM_TOKEN=fixture-npm-token-value")
    assert steps[-1] == HistoryStep("LABEL", "dsc-tui.test=true")


def test_parse_history_captured_run_step_build_args() -> None:
    runs = [step for step in parse_history(load("image-classic-history.json")) if step.instruction == "RUN"]
    assert runs[1].arguments == "apt-get update"
    assert runs[1].build_args == (("BUILD_VERSION", "1.2.3"), ("NPM_TOKEN", "fixture-npm-token-value"))


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (HistoryStep("ENV", "A=b C=d"), [("A", "b"), ("C", "d")]),
        (HistoryStep("ENV", "APP_HOME /srv/my app"), [("APP_HOME", "/srv/my app")]),
        (HistoryStep("ENV", 'A="x y" B=z'), [("A", "x y"), ("B", "z")]),
        (HistoryStep("ENV", "MSG=hello world"), [("MSG", "hello world")]),
        (HistoryStep("ARG", "VERSION"), [("VERSION", None)]),
        (HistoryStep("ARG", "A=1 B"), [("A", "1"), ("B", None)]),
    ],
)
def test_assignments(step: HistoryStep, expected: list) -> None:
    assert assignments(step) == expected


@pytest.mark.parametrize(
    ("arguments", "destination"),
    [("file:abc in /", "/"), ("file:abc in /srv/app ", "/srv/app"), ("rootfs.tar.xz /", "/"), ("https://x/y.tgz /opt/", "/opt/")],
)
def test_add_destination(arguments: str, destination: str) -> None:
    assert add_destination(HistoryStep("ADD", arguments)) == destination


def test_command_segments_split_on_operators() -> None:
    segments = command_segments("a 1 && b 2 || c; d | e & f\ng 'h && i' 2> /dev/null")
    assert segments == [["a", "1"], ["b", "2"], ["c"], ["d"], ["e"], ["f"], ["g", "h && i", "2"]]


def test_command_segments_unbalanced_quote_falls_back() -> None:
    assert command_segments("echo 'oops && sudo x") == [["echo", "'oops"], ["sudo", "x"]]


def test_effective_command_skips_assignments_keywords_and_wrappers() -> None:
    assert effective_command(["then", "DEBIAN_FRONTEND=noninteractive", "sudo", "-E", "apt-get", "install"]) == ["apt-get", "install"]
    assert effective_command(["sudo", "true"], skip_wrappers=False) == ["sudo", "true"]
