"""Redaction of secret values in env, image history, command lines, labels and host info."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from inspector.redaction import (
    redact_container_inspect,
    redact_host_info,
    redact_image_history,
    redact_image_inspect,
    redact_network_inspect,
    redact_secret_inspect,
    redact_service_inspect,
    redact_text,
)
from inspector.rules.secrets import redact_env_entry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inspect"

# Every secret value planted in the fixture image and container (see the Dockerfile steps in
# image-history-secrets-history.json and the env of container-exited-env-secrets.json).
FIXTURE_SECRETS = (
    "fixture-build-password",
    "fixture-env-token",
    "fixture-legacy-secret",
    "fixture-cli-password",
    "fixture-url-password",
    "fixture-secret-key",
)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --- env entries -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("DB_PASSWORD=hunter2", "DB_PASSWORD=<redacted>"),
        ("AWS_SECRET_ACCESS_KEY=abc", "AWS_SECRET_ACCESS_KEY=<redacted>"),
        ("api-key=abc", "api-key=<redacted>"),
        ("DB_PASSWORD_FILE=/run/secrets/db", "DB_PASSWORD_FILE=/run/secrets/db"),
        ("GPG_KEY=0xABCDEF", "GPG_KEY=0xABCDEF"),
        ("PWD=/srv/app", "PWD=/srv/app"),
        ("LOG_LEVEL=debug", "LOG_LEVEL=debug"),
        ("DATABASE_URL=postgres://app:s3cret@db:5432/app", "DATABASE_URL=postgres://app:***@db:5432/app"),
        ("REDIS_URL=redis://:s3cret@cache:6379", "REDIS_URL=redis://:***@cache:6379"),
        ("DB_PASSWORD=", "DB_PASSWORD="),
        ("API_TOKEN", "API_TOKEN"),
        ("TOKEN=a=b=c", "TOKEN=<redacted>"),
    ],
)
def test_env_entry_redaction(entry: str, expected: str) -> None:
    assert redact_env_entry(entry) == expected


def test_container_env_redacted_from_fixture() -> None:
    redacted = redact_container_inspect(load("container-exited-env-secrets.json"))

    env = redacted["Config"]["Env"]
    assert "SECRET_KEY=<redacted>" in env
    assert "API_TOKEN=<redacted>" in env
    assert "LEGACY_SECRET=<redacted>" in env
    assert "DATABASE_URL=postgres://app:***@db:5432/app" in env
    assert "EMPTY_PASSWORD=" in env
    assert "LOG_LEVEL=debug" in env
    assert "PUBLIC_KEY_FILE=/etc/app/key.pub" in env


def test_container_redaction_leaves_input_alone() -> None:
    original = load("container-exited-env-secrets.json")
    before = copy.deepcopy(original)

    redact_container_inspect(original)

    assert original == before


def test_container_command_and_labels_redacted() -> None:
    data = {
        "Path": "app",
        "Args": ["--password", "hunter2", "--db=postgres://u:pw1@db/x"],
        "Config": {
            "Cmd": ["app", "--token=abc123"],
            "Labels": {"deploy.api_token": "tok-1", "owner": "team", "empty_secret": ""},
            "Healthcheck": {"Test": ["CMD-SHELL", "curl -u admin:x http://admin:pw2@localhost/"]},
        },
    }

    redacted = redact_container_inspect(data)

    assert redacted["Args"] == ["--password", "<redacted>", "--db=postgres://u:***@db/x"]
    assert redacted["Config"]["Cmd"] == ["app", "--token=<redacted>"]
    assert redacted["Config"]["Labels"] == {"deploy.api_token": "<redacted>", "owner": "team", "empty_secret": ""}
    assert "pw2" not in json.dumps(redacted["Config"]["Healthcheck"])
    assert "pw1" not in json.dumps(redacted)


def test_exec_form_option_value_redacted() -> None:
    data = {"Config": {"Entrypoint": ["login", "--TOKEN", "abc", "--user", "bob"], "Cmd": ["--password", ""]}}

    redacted = redact_container_inspect(data)

    assert redacted["Config"]["Entrypoint"] == ["login", "--TOKEN", "<redacted>", "--user", "bob"]
    assert redacted["Config"]["Cmd"] == ["--password", ""]


def test_fixture_secrets_gone_after_redaction() -> None:
    text = json.dumps(
        [
            redact_container_inspect(load("container-exited-env-secrets.json")),
            redact_image_inspect(load("image-history-secrets.json")),
            redact_image_history(load("image-history-secrets-history.json")),
        ]
    )

    for secret in FIXTURE_SECRETS:
        assert secret not in text


# --- image history ---------------------------------------------------------------------------


def history(*steps: str) -> list[dict[str, Any]]:
    return [{"Id": f"sha256:{index:064x}", "CreatedBy": step} for index, step in enumerate(steps)]


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("/bin/sh -c #(nop)  ENV API_TOKEN=abc PATH=/bin", "/bin/sh -c #(nop)  ENV API_TOKEN=<redacted> PATH=/bin"),
        ("/bin/sh -c #(nop)  ARG DB_PASSWORD=hunter2", "/bin/sh -c #(nop)  ARG DB_PASSWORD=<redacted>"),
        ("/bin/sh -c #(nop)  ENV LEGACY_SECRET some secret words", "/bin/sh -c #(nop)  ENV LEGACY_SECRET <redacted>"),
        ("/bin/sh -c #(nop)  ARG DB_PASSWORD=", "/bin/sh -c #(nop)  ARG DB_PASSWORD="),
        ('ENV API_KEY="quoted value" MODE=prod', "ENV API_KEY=<redacted> MODE=prod"),
        (
            "|2 DB_PASSWORD=hunter2 VERSION=1.2 /bin/sh -c make",
            "|2 DB_PASSWORD=<redacted> VERSION=1.2 /bin/sh -c make",
        ),
        (
            "RUN |1 NPM_TOKEN=npm_abc /bin/sh -c npm ci # buildkit",
            "RUN |1 NPM_TOKEN=<redacted> /bin/sh -c npm ci # buildkit",
        ),
        ("/bin/sh -c docker login --password hunter2 registry", "/bin/sh -c docker login --password <redacted> registry"),
        ("/bin/sh -c mysql --password=hunter2 -e 'select 1'", "/bin/sh -c mysql --password=<redacted> -e 'select 1'"),
        (
            "/bin/sh -c aws configure set aws_secret_access_key AKIAxyz && true",
            "/bin/sh -c aws configure set aws_secret_access_key <redacted> && true",
        ),
        ("/bin/sh -c git clone https://bot:ghp_abc@github.com/o/r", "/bin/sh -c git clone https://bot:***@github.com/o/r"),
        ("/bin/sh -c echo $PASSWORD | docker login --password-stdin", "/bin/sh -c echo $PASSWORD | docker login --password-stdin"),
        ("", ""),
    ],
)
def test_history_step_redaction(step: str, expected: str) -> None:
    assert redact_image_history(history(step))[0]["CreatedBy"] == expected


def test_history_fixture_steps() -> None:
    steps = [entry["CreatedBy"] for entry in redact_image_history(load("image-history-secrets-history.json"))]

    assert steps[2].startswith("|1 DB_PASSWORD=<redacted> /bin/sh -c ")
    assert "--password=<redacted>" in steps[2]
    assert steps[3] == "/bin/sh -c #(nop)  ENV LEGACY_SECRET=<redacted>"
    assert steps[4] == "/bin/sh -c #(nop)  ENV API_TOKEN=<redacted> PUBLIC_KEY_FILE=/etc/app/key.pub"
    assert steps[5] == "/bin/sh -c #(nop)  ARG DB_PASSWORD=<redacted>"


def test_history_null_and_odd_entries() -> None:
    entries = [{"CreatedBy": None}, "not an object", {"Id": "x"}]

    assert redact_image_history(None) == []  # type: ignore[arg-type]
    assert redact_image_history(entries) == entries


def test_redact_text_plain_words_unchanged() -> None:
    assert redact_text("/bin/sh -c apk add --no-cache curl") == "/bin/sh -c apk add --no-cache curl"


# --- idempotence: a capture is redacted again on load ----------------------------------------


def test_redaction_is_idempotent() -> None:
    container = redact_container_inspect(load("container-exited-env-secrets.json"))
    image = redact_image_inspect(load("image-history-secrets.json"))
    steps = redact_image_history(load("image-history-secrets-history.json"))

    assert redact_container_inspect(container) == container
    assert redact_image_inspect(image) == image
    assert redact_image_history(steps) == steps


# --- networks, secrets, services, host info --------------------------------------------------


def test_network_labels_and_options() -> None:
    data = copy.deepcopy(load("network-internal-attached.json"))
    data["Labels"]["vpn.psk_secret"] = "shared-psk"
    data["Options"]["proxy"] = "http://user:proxy-pw@10.0.0.1:3128"

    redacted = redact_network_inspect(data)

    assert redacted["Labels"] == {"dsc-tui.test": "true", "vpn.psk_secret": "<redacted>"}
    assert redacted["Options"] == {"proxy": "http://user:***@10.0.0.1:3128"}
    assert redacted["Containers"] == data["Containers"]


def test_secret_data_and_labels() -> None:
    data = copy.deepcopy(load("swarm-secret.json"))
    data["Spec"]["Data"] = "aHVudGVyMg=="
    data["Spec"]["Labels"]["rotation_token"] = "tok"

    redacted = redact_secret_inspect(data)

    assert redacted["Spec"]["Data"] == "<redacted>"
    assert redacted["Spec"]["Labels"] == {"dsc-tui.lab": "true", "rotation_token": "<redacted>"}
    assert redacted["Spec"]["Name"] == "dsc-lab-db-password"


def test_service_container_spec_env() -> None:
    data = copy.deepcopy(load("swarm-service.json"))
    data["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] = ["DB_PASSWORD=hunter2", "MODE=prod"]

    redacted = redact_service_inspect(data)

    assert redacted["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["DB_PASSWORD=<redacted>", "MODE=prod"]
    assert redacted["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"] == data["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"]


def test_host_info_proxy_password() -> None:
    info = copy.deepcopy(load("engine-info-swarm-manager.json"))
    info["HttpProxy"] = "http://proxyuser:proxy-secret@proxy.example:3128"
    info["HttpsProxy"] = ""

    redacted = redact_host_info(info)

    assert redacted["HttpProxy"] == "http://proxyuser:***@proxy.example:3128"
    assert redacted["HttpsProxy"] == ""
    assert redacted["Name"] == info["Name"]
    assert info["HttpProxy"].endswith("proxy-secret@proxy.example:3128")
