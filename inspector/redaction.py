"""Redaction of secret values in engine JSON, applied as a snapshot is built or a capture is loaded.

Values of secret-like env keys become `<redacted>` and URL passwords become `***`, so nothing
downstream (rules, reports, captures, the TUI) ever holds a secret. Empty values stay empty, so a
rule can still tell "set" from "empty".
"""

from __future__ import annotations

import copy
import re
from typing import Any

from inspector.model import Container, Image, Network, Secret, Service
from inspector.model.fields import as_list
from inspector.rules.secrets import (
    REDACTED,
    is_secret_key,
    mask_url_passwords,
    redact_env_entry,
)

# KEY=VALUE inside a command line or a Dockerfile step; VALUE is a quoted string or a bare word.
_ASSIGNMENT = re.compile(r"""(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)=(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)""")
# Legacy `ENV KEY value` form with a single pair and no `=`.
_LEGACY_ENV = re.compile(r"(?P<head>\b(?:ENV|ARG)\s+)(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)\s+(?P<value>[^=\s][^\n]*)$")
# Credentials passed as command-line options: `--password X`, `--password=X`, and the AWS CLI form.
_PASSWORD_OPTION = re.compile(
    r"(?P<head>--(?:password|passwd|token|secret)(?:=|\s+))(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"';&|]+)",
    re.IGNORECASE,
)
_PASSWORD_FLAG = re.compile(r"--(?:password|passwd|token|secret)", re.IGNORECASE)
_AWS_CONFIGURE = re.compile(
    r"(?P<head>aws\s+configure\s+set\s+\S*(?:secret|token|password)\S*\s+)(?P<value>[^\s;&|]+)",
    re.IGNORECASE,
)


def _copy_json(value: Any) -> Any:
    """Return a deep copy of decoded JSON: dicts and lists are copied, anything else deep-copied."""
    # copy.deepcopy keeps a memo of every node; on inspect JSON of a thousand containers that was
    # the largest single cost of a scan. Decoded JSON shares no nodes, so no memo is needed.
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    return copy.deepcopy(value)


def redact_text(text: str) -> str:
    """Return a command line or history step with secret values replaced."""
    if not text:
        return text

    def replace_assignment(match: re.Match[str]) -> str:
        key, value = match.group("key"), match.group("value")
        if value in ('""', "''"):
            return match.group(0)
        if is_secret_key(key):
            return f"{key}={REDACTED}"
        return f"{key}={mask_url_passwords(value)}"

    text = _ASSIGNMENT.sub(replace_assignment, text)
    legacy = _LEGACY_ENV.search(text)
    if legacy and is_secret_key(legacy.group("key")):
        text = text[: legacy.start("value")] + REDACTED + text[legacy.end("value") :]
    text = _PASSWORD_OPTION.sub(lambda m: m.group("head") + REDACTED, text)
    text = _AWS_CONFIGURE.sub(lambda m: m.group("head") + REDACTED, text)
    return mask_url_passwords(text)


def _redact_env_list(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [redact_env_entry(entry) if isinstance(entry, str) else entry for entry in value]


def _redact_command(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if not isinstance(value, list):
        return value
    redacted: list[Any] = []
    hide_next = False
    for part in value:
        # In exec form the option and its value are separate items: ["--password", "X"].
        if isinstance(part, str) and hide_next and part:
            redacted.append(REDACTED)
        else:
            redacted.append(redact_text(part) if isinstance(part, str) else part)
        hide_next = isinstance(part, str) and _PASSWORD_FLAG.fullmatch(part.strip()) is not None
    return redacted


def _redact_config(config: Any) -> None:
    """Redact an image or container `Config` (or a service's `ContainerSpec`) in place."""
    if not isinstance(config, dict):
        return
    for env_key in ("Env", "env"):
        if env_key in config:
            config[env_key] = _redact_env_list(config[env_key])
    for command_key in ("Cmd", "Entrypoint", "Args", "Command"):
        if command_key in config:
            config[command_key] = _redact_command(config[command_key])
    healthcheck = config.get("Healthcheck")
    if isinstance(healthcheck, dict) and "Test" in healthcheck:
        config["Healthcheck"] = {**healthcheck, "Test": _redact_command(healthcheck["Test"])}
    labels = config.get("Labels")
    if isinstance(labels, dict):
        config["Labels"] = {
            key: (REDACTED if is_secret_key(str(key)) and value else mask_url_passwords(value))
            if isinstance(value, str)
            else value
            for key, value in labels.items()
        }


def redact_container_inspect(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of container inspect JSON with secret values replaced.

    Only the dicts on the way to a redacted value are copied; the rest is shared with `data`.
    A full copy of every container was the largest cost of building a snapshot, and nothing
    changes inspect JSON once it is read.
    """
    data = dict(data)
    if isinstance(data.get("Config"), dict):
        data["Config"] = dict(data["Config"])
        _redact_config(data["Config"])
    for key in ("Args", "Path"):
        if key in data:
            data[key] = _redact_command(data[key])
    return data


def redact_image_inspect(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of image inspect JSON with secret values replaced."""
    data = _copy_json(data)
    _redact_config(data.get("Config"))
    _redact_config(data.get("ContainerConfig"))
    return data


def redact_image_history(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a copy of image history with secret values in each step's `CreatedBy` replaced."""
    redacted = _copy_json(as_list(history))
    for entry in redacted:
        if isinstance(entry, dict) and isinstance(entry.get("CreatedBy"), str):
            entry["CreatedBy"] = redact_text(entry["CreatedBy"])
    return redacted


def redact_service_inspect(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of service inspect JSON with secret values in its container spec replaced."""
    data = _copy_json(data)
    for root in ("Spec", "PreviousSpec"):
        spec = data.get(root)
        if isinstance(spec, dict):
            task = spec.get("TaskTemplate")
            if isinstance(task, dict):
                _redact_config(task.get("ContainerSpec"))
    return data


def _redact_string_map(mapping: Any) -> Any:
    """Redact a labels or options map: secret-like keys lose their value, URL passwords are masked."""
    if not isinstance(mapping, dict):
        return mapping
    redacted: dict[Any, Any] = {}
    for key, value in mapping.items():
        if isinstance(value, str) and value and is_secret_key(str(key)):
            redacted[key] = REDACTED
        elif isinstance(value, str):
            redacted[key] = mask_url_passwords(value)
        else:
            redacted[key] = value
    return redacted


def redact_network_inspect(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of network inspect JSON with secret values in its labels and options replaced."""
    data = _copy_json(data)
    for key in ("Labels", "Options"):
        if key in data:
            data[key] = _redact_string_map(data[key])
    return data


def redact_secret_inspect(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of swarm secret JSON without `Spec.Data` and with secret label values replaced.

    The engine never returns a secret's data, but a capture written by another tool might.
    """
    data = _copy_json(data)
    spec = data.get("Spec")
    if isinstance(spec, dict):
        if spec.get("Data"):
            spec["Data"] = REDACTED
        if "Labels" in spec:
            spec["Labels"] = _redact_string_map(spec["Labels"])
    return data


def _mask_url_passwords_deep(value: Any) -> Any:
    if isinstance(value, str):
        return mask_url_passwords(value)
    if isinstance(value, list):
        return [_mask_url_passwords_deep(item) for item in value]
    if isinstance(value, dict):
        return {key: _mask_url_passwords_deep(item) for key, item in value.items()}
    return value


def redact_host_info(info: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `/info` output with URL passwords masked (`HttpProxy` may carry one)."""
    return _mask_url_passwords_deep(info)


# Models are built from engine JSON only through these, so the live collection and a loaded
# capture redact exactly the same fields and rebuild equal snapshots.


def redacted_container(data: dict[str, Any]) -> Container:
    """Build a container from inspect JSON after redacting it."""
    return Container.from_inspect(redact_container_inspect(data))


def redacted_image(data: dict[str, Any], history: list[dict[str, Any]] | None) -> Image:
    """Build an image from inspect JSON and history after redacting both."""
    return Image.from_inspect(redact_image_inspect(data), redact_image_history(history or []))


def redacted_network(data: dict[str, Any]) -> Network:
    """Build a network from inspect JSON after redacting it."""
    return Network.from_inspect(redact_network_inspect(data))


def redacted_secret(data: dict[str, Any]) -> Secret:
    """Build a swarm secret from inspect JSON after redacting it."""
    return Secret.from_inspect(redact_secret_inspect(data))


def redacted_service(data: dict[str, Any]) -> Service:
    """Build a swarm service from inspect JSON after redacting it."""
    return Service.from_inspect(redact_service_inspect(data))
