"""Capture files: a snapshot saved as versioned JSON, and read back for `--snapshot`.

A capture contains the engine's inspect JSON per object with secret values already replaced, so
rebuilding the models from it gives the same snapshot, and the same findings, as the live scan.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from inspector.errors import EXIT_OK, CaptureError
from inspector.model import Host, HostSnapshot, Image
from inspector.redaction import (
    redact_host_info,
    redacted_container,
    redacted_image,
    redacted_network,
    redacted_secret,
    redacted_service,
)

log = logging.getLogger(__name__)

SCHEMA = "dsc-tui/capture/v1"
_OBJECT_LISTS = ("containers", "images", "networks", "secrets", "services")


def snapshot_to_capture(snapshot: HostSnapshot) -> dict[str, Any]:
    """Return the capture document for a snapshot."""
    host = snapshot.host
    return {
        "schema": SCHEMA,
        "captured_at": snapshot.collected_at.isoformat(),
        "host": {
            "name": host.name,
            "endpoint": host.endpoint,
            "context": host.context,
            "swarm_reason": host.swarm_reason,
            "info": host.info,
            "version": host.version,
        },
        "containers": [container.inspect for container in snapshot.containers],
        "images": [{"inspect": image.inspect, "history": image.history} for image in snapshot.images],
        "networks": [network.inspect for network in snapshot.networks],
        "secrets": [secret.inspect for secret in snapshot.secrets],
        "services": [service.inspect for service in snapshot.services],
    }


def dump_capture(snapshot: HostSnapshot) -> str:
    """Return the capture document for a snapshot as JSON text."""
    # ensure_ascii escapes C1 control characters too, so the text is safe to print on a terminal.
    return json.dumps(snapshot_to_capture(snapshot), indent=2, ensure_ascii=True) + "\n"


class _Malformed(ValueError):
    """A problem inside a capture document, described relative to its top level."""


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise _Malformed(problem)


def _object_list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    _require(key in data, f"missing {key!r}")
    items = data[key]
    _require(isinstance(items, list), f"{key!r} is not a list")
    for index, item in enumerate(items):
        _require(isinstance(item, dict), f"{key}[{index}] is not an object")
    return items


def _optional_str(value: Any, where: str) -> str | None:
    _require(value is None or isinstance(value, str), f"{where} is not a string or null")
    return value


def _parse_captured_at(value: Any) -> datetime:
    _require(isinstance(value, str), "'captured_at' is missing or not a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Malformed(f"'captured_at' is not an ISO 8601 time: {value!r}") from None
    # A time without an offset is taken as UTC, the zone dsc-tui writes.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _host(data: dict[str, Any]) -> Host:
    host = data.get("host")
    _require(isinstance(host, dict), "'host' is missing or not an object")
    info, version = host.get("info"), host.get("version")
    _require(isinstance(info, dict), "'host.info' is missing or not an object")
    _require(isinstance(version, dict), "'host.version' is missing or not an object")
    built = Host.from_engine(
        redact_host_info(info),
        version,
        endpoint=_optional_str(host.get("endpoint"), "'host.endpoint'") or "",
        context=_optional_str(host.get("context"), "'host.context'"),
        swarm_reason=_optional_str(host.get("swarm_reason"), "'host.swarm_reason'"),
    )
    name = _optional_str(host.get("name"), "'host.name'")
    return built.model_copy(update={"name": name}) if name else built


def _images(data: dict[str, Any]) -> list[Image]:
    images = []
    for index, entry in enumerate(_object_list(data, "images")):
        inspect, history = entry.get("inspect"), entry.get("history", [])
        _require(isinstance(inspect, dict), f"images[{index}].inspect is missing or not an object")
        _require(isinstance(history, list), f"images[{index}].history is not a list")
        images.append(redacted_image(inspect, history))
    return images


def capture_to_snapshot(data: Any, source: str = "capture") -> HostSnapshot:
    """Rebuild a snapshot from a capture document, redacting it again; raise CaptureError if invalid."""
    if not isinstance(data, dict):
        raise CaptureError(f"capture file {source} is not a dsc-tui capture: expected a JSON object")
    schema = data.get("schema")
    if schema is None:
        raise CaptureError(f"capture file {source} has no 'schema' field: expected {SCHEMA!r}")
    if schema != SCHEMA:
        raise CaptureError(f"capture file {source} has schema {schema!r}, expected {SCHEMA!r}")

    # Redact again: a capture written by another tool, or edited by hand, may hold secrets.
    try:
        snapshot = HostSnapshot(
            host=_host(data),
            collected_at=_parse_captured_at(data.get("captured_at")),
            containers=[redacted_container(c) for c in _object_list(data, "containers")],
            images=_images(data),
            networks=[redacted_network(n) for n in _object_list(data, "networks")],
            secrets=[redacted_secret(s) for s in _object_list(data, "secrets")],
            services=[redacted_service(s) for s in _object_list(data, "services")],
        )
    except _Malformed as problem:
        raise CaptureError(f"capture file {source} is malformed: {problem}") from None
    except (ValidationError, TypeError, ValueError) as error:
        detail = str(error).splitlines()[0]
        raise CaptureError(f"capture file {source} is malformed: {detail}") from None
    return snapshot


def load_capture(path: Path | str) -> HostSnapshot:
    """Read a capture file into a snapshot; raise CaptureError naming the file and the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaptureError(f"capture file {path} not found") from None
    except UnicodeDecodeError:
        raise CaptureError(f"capture file {path} is not UTF-8 text") from None
    except OSError as error:
        raise CaptureError(f"cannot read capture file {path}: {error.strerror or error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        # Some of the decoder's messages end in "at" ("Unterminated string starting at").
        reason = error.msg.removesuffix(" at")
        raise CaptureError(
            f"capture file {path} is not valid JSON: {reason} at line {error.lineno} column {error.colno}"
        ) from None
    snapshot = capture_to_snapshot(data, source=str(path))
    log.info(
        "loaded capture %s: %d containers, %d images, %d networks",
        path,
        len(snapshot.containers),
        len(snapshot.images),
        len(snapshot.networks),
    )
    return snapshot


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600 through a temporary file and a rename."""
    directory = path.parent
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file with mode 0600, so the data is never readable by others.
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_capture(args: argparse.Namespace) -> int:
    """Run `dsc-tui capture`: collect the engine's state and write it to --output or stdout."""
    from inspector.engine import collect_snapshot, open_engine
    from inspector.engine.endpoint import tls_options

    engine = open_engine(
        host=getattr(args, "host", None),
        context=getattr(args, "context", None),
        timeout=getattr(args, "timeout", 5.0),
        tls=tls_options(args),
    )
    try:
        snapshot = collect_snapshot(engine)
    finally:
        engine.close()
    text = dump_capture(snapshot)

    output: Path | None = getattr(args, "output", None)
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    try:
        write_private_file(output, text)
    except OSError as error:
        raise CaptureError(f"cannot write capture file {output}: {error.strerror or error}") from None
    log.info("wrote capture of %d containers to %s", len(snapshot.containers), output)
    return EXIT_OK
