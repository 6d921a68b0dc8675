"""Capture files: the document format, the round trip, redaction on load, and one-line errors."""

from __future__ import annotations

import copy
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from inspector.capture import (
    SCHEMA,
    capture_to_snapshot,
    dump_capture,
    load_capture,
    snapshot_to_capture,
    write_private_file,
)
from inspector.errors import EXIT_USAGE, CaptureError
from inspector.model import Container, Host, HostSnapshot, Image, Network, Secret, Service
from inspector.redaction import (
    redact_container_inspect,
    redact_image_history,
    redact_image_inspect,
    redact_network_inspect,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inspect"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def snapshot() -> HostSnapshot:
    """A snapshot built from real inspect JSON, redacted as collect_snapshot does."""
    host = Host.from_engine(
        load("engine-info-swarm-manager.json"),
        load("engine-version.json"),
        endpoint="unix:///var/run/docker.sock",
        context="local",
        swarm_reason=None,
    )
    return HostSnapshot(
        host=host,
        collected_at=datetime(2026, 12, 4, 19, 45, 1, 123456, tzinfo=UTC),
        containers=[Container.from_inspect(redact_container_inspect(load("container-exited-env-secrets.json")))],
        images=[
            Image.from_inspect(
                redact_image_inspect(load("image-history-secrets.json")),
                redact_image_history(load("image-history-secrets-history.json")),
            )
        ],
        networks=[Network.from_inspect(redact_network_inspect(load("network-internal-attached.json")))],
        secrets=[Secret.from_inspect(load("swarm-secret.json"))],
        services=[Service.from_inspect(load("swarm-service.json"))],
    )


# --- format and round trip -------------------------------------------------------------------


def test_capture_document_layout(snapshot: HostSnapshot) -> None:
    document = snapshot_to_capture(snapshot)

    assert list(document) == ["schema", "captured_at", "host", "containers", "images", "networks", "secrets", "services"]
    assert document["schema"] == "dsc-tui/capture/v1"
    assert document["captured_at"] == "2026-12-04T19:45:01.123456+00:00"
    assert list(document["host"]) == ["name", "endpoint", "context", "swarm_reason", "info", "version"]
    assert document["host"]["name"] == "vm"
    assert document["host"]["context"] == "local"
    assert document["containers"] == [snapshot.containers[0].inspect]
    assert document["images"] == [{"inspect": snapshot.images[0].inspect, "history": snapshot.images[0].history}]
    assert document["networks"] == [snapshot.networks[0].inspect]
    assert document["secrets"] == [snapshot.secrets[0].inspect]
    assert document["services"] == [snapshot.services[0].inspect]


def test_round_trip_equal(snapshot: HostSnapshot) -> None:
    reloaded = capture_to_snapshot(json.loads(dump_capture(snapshot)))

    assert reloaded == snapshot


def test_round_trip_through_file(snapshot: HostSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "host.json"
    write_private_file(path, dump_capture(snapshot))

    assert load_capture(path) == snapshot


def test_dump_escapes_control_characters(snapshot: HostSnapshot) -> None:
    snapshot.containers[0].inspect["Config"]["Labels"]["evil"] = "\x1b]0;title\x07\u009b31m"

    text = dump_capture(snapshot)

    assert "\x1b" not in text
    assert "\u009b" not in text
    assert "\\u001b]0;title\\u0007\\u009b31m" in text


def test_dump_holds_no_fixture_secret(snapshot: HostSnapshot) -> None:
    text = dump_capture(snapshot)

    for secret in ("fixture-build-password", "fixture-env-token", "fixture-url-password", "fixture-secret-key"):
        assert secret not in text


def test_load_redacts_again(snapshot: HostSnapshot) -> None:
    document = snapshot_to_capture(snapshot)
    # A capture written by another tool may contain the raw values.
    document["containers"] = [load("container-exited-env-secrets.json")]
    document["images"] = [{"inspect": load("image-history-secrets.json"), "history": load("image-history-secrets-history.json")}]
    document["host"]["info"]["HttpProxy"] = "http://u:proxy-pw@proxy:3128"

    reloaded = capture_to_snapshot(document)

    text = reloaded.model_dump_json()
    assert "fixture-secret-key" not in text
    assert "fixture-build-password" not in text
    assert "proxy-pw" not in text
    assert "SECRET_KEY=<redacted>" in reloaded.containers[0].inspect["Config"]["Env"]


def test_naive_captured_at_is_utc(snapshot: HostSnapshot) -> None:
    document = snapshot_to_capture(snapshot)
    document["captured_at"] = "2026-12-04T19:45:01"

    reloaded = capture_to_snapshot(document)

    assert reloaded.collected_at == datetime(2026, 12, 4, 19, 45, 1, tzinfo=UTC)


def test_host_name_from_capture(snapshot: HostSnapshot) -> None:
    document = snapshot_to_capture(snapshot)
    document["host"]["name"] = "renamed"

    assert capture_to_snapshot(document).host.name == "renamed"


# --- errors: one line naming the file and the problem ----------------------------------------


def assert_capture_error(path: Path, expected: str) -> CaptureError:
    with pytest.raises(CaptureError) as raised:
        load_capture(path)
    message = str(raised.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message
    assert raised.value.exit_code == EXIT_USAGE
    return raised.value


def write_json(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "capture.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_missing_file(tmp_path: Path) -> None:
    assert_capture_error(tmp_path / "absent.json", "not found")


def test_directory_is_unreadable(tmp_path: Path) -> None:
    assert_capture_error(tmp_path, "cannot read capture file")


def test_unterminated_string_error(tmp_path: Path) -> None:
    path = tmp_path / "truncated.json"
    path.write_text('{"schema": "dsc-tui/capture/v1", "host": "abc', encoding="utf-8")
    assert_capture_error(path, "is not valid JSON: Unterminated string starting at line 1 column 42")


def test_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema": "dsc-tui/capture/v1",\n  "host": }', encoding="utf-8")

    assert_capture_error(path, "is not valid JSON: Expecting value at line 2 column 11")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"schema": "\xff"}')

    assert_capture_error(path, "is not UTF-8 text")


def test_top_level_not_object(tmp_path: Path) -> None:
    assert_capture_error(write_json(tmp_path, [1, 2]), "expected a JSON object")


def test_missing_schema(tmp_path: Path, snapshot: HostSnapshot) -> None:
    document = snapshot_to_capture(snapshot)
    del document["schema"]

    assert_capture_error(write_json(tmp_path, document), "has no 'schema' field")


def test_wrong_schema(tmp_path: Path, snapshot: HostSnapshot) -> None:
    document = snapshot_to_capture(snapshot)
    document["schema"] = "dsc-tui/report/v1"

    error = assert_capture_error(write_json(tmp_path, document), "has schema 'dsc-tui/report/v1'")
    assert SCHEMA in str(error)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("containers"), "missing 'containers'"),
        (lambda d: d.update(networks={"a": 1}), "'networks' is not a list"),
        (lambda d: d.update(containers=["text"]), "containers[0] is not an object"),
        (lambda d: d["images"][0].pop("inspect"), "images[0].inspect is missing or not an object"),
        (lambda d: d["images"][0].update(history="none"), "images[0].history is not a list"),
        (lambda d: d.update(host=None), "'host' is missing or not an object"),
        (lambda d: d["host"].update(info=[]), "'host.info' is missing or not an object"),
        (lambda d: d["host"].update(context=5), "'host.context' is not a string or null"),
        (lambda d: d.update(captured_at="yesterday"), "'captured_at' is not an ISO 8601 time"),
        (lambda d: d.pop("captured_at"), "'captured_at' is missing or not a string"),
        (lambda d: d["secrets"].append(7), "secrets[1] is not an object"),
    ],
    ids=[
        "no-containers",
        "networks-not-list",
        "container-not-object",
        "image-without-inspect",
        "history-not-list",
        "host-null",
        "info-not-object",
        "context-not-string",
        "bad-time",
        "no-time",
        "secret-not-object",
    ],
)
def test_malformed_content(tmp_path: Path, snapshot: HostSnapshot, edit: Any, expected: str) -> None:
    document = copy.deepcopy(snapshot_to_capture(snapshot))
    edit(document)

    error = assert_capture_error(write_json(tmp_path, document), expected)
    assert "is malformed" in str(error)


def test_capture_to_snapshot_names_source() -> None:
    with pytest.raises(CaptureError, match="capture file demo.json is not a dsc-tui capture"):
        capture_to_snapshot("text", source="demo.json")


# --- writing ---------------------------------------------------------------------------------


def test_private_file_mode_and_content(tmp_path: Path) -> None:
    path = tmp_path / "host.json"

    write_private_file(path, "{}\n")

    assert path.read_text() == "{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_private_file_replaces_existing(tmp_path: Path) -> None:
    path = tmp_path / "host.json"
    path.write_text("old")
    path.chmod(0o644)

    write_private_file(path, "new")

    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["host.json"]


def test_private_file_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_private_file(tmp_path / "absent" / "host.json", "{}")

    assert os.listdir(tmp_path) == []


def test_private_file_failure_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail_replace(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail_replace)

    with pytest.raises(OSError, match="No space left"):
        write_private_file(tmp_path / "host.json", "{}")

    assert os.listdir(tmp_path) == []
