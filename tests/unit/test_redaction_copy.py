"""Redaction never changes the engine JSON it is given.

Image, history and network redaction return deep copies. Container redaction, which runs once per
container on every full collection, copies only the dicts on the way to a redacted value and
shares the rest with its input.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from inspector.redaction import (
    redact_container_inspect,
    redact_image_history,
    redact_image_inspect,
    redact_network_inspect,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inspect"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_container_redaction_leaves_its_input_alone() -> None:
    original = load("container-risky.json")
    before = copy.deepcopy(original)

    redacted = redact_container_inspect(original)

    assert original == before
    assert redacted["Config"]["Env"] != original["Config"]["Env"]


def test_container_redacted_parts_are_copies() -> None:
    original = load("container-risky.json")
    before = copy.deepcopy(original)

    redacted = redact_container_inspect(original)
    redacted["Config"]["Labels"]["added"] = "by the test"
    redacted["Config"]["Healthcheck"]["Test"] = ["CMD", "changed"]
    redacted["Config"]["User"] = "changed"

    assert original["Config"] == before["Config"]


def test_container_copy_keeps_every_field_but_secrets() -> None:
    original = load("container-risky.json")

    redacted = redact_container_inspect(original)

    assert redacted["HostConfig"] == original["HostConfig"]
    assert redacted["NetworkSettings"] == original["NetworkSettings"]
    assert redacted["Mounts"] == original["Mounts"]


def test_image_and_history_copies_are_deep() -> None:
    image = load("image-history-secrets.json")
    history = load("image-history-secrets-history.json")
    image_before, history_before = copy.deepcopy(image), copy.deepcopy(history)

    redacted_image = redact_image_inspect(image)
    redacted_history = redact_image_history(history)
    redacted_image["RepoTags"].append("added:tag")
    redacted_history[0]["Tags"] = ["added"]
    redacted_history.pop()

    assert image == image_before
    assert history == history_before


def test_network_copy_is_deep() -> None:
    original = load("network-internal-attached.json")
    before = copy.deepcopy(original)

    redacted = redact_network_inspect(original)
    next(iter(redacted["Containers"].values()))["Name"] = "renamed"
    redacted["IPAM"]["Config"].clear()

    assert original == before
