"""Container rules on health, logging, image references and environment variables."""

from __future__ import annotations

from typing import Any

import pytest
from rulefixtures import load


def hardened() -> dict[str, Any]:
    return load("container-hardened.json")


def with_env(*entries: str) -> dict[str, Any]:
    data = hardened()
    data["Config"]["Env"] = ["PATH=/bin", *entries]
    return data


def test_healthcheck_absent_fires(container_rule) -> None:
    [finding] = container_rule("CTR-HEALTHCHECK-MISSING", load("container-default.json"))
    assert finding.evidence == "Config.Healthcheck is absent"


def test_healthcheck_none_fires(container_rule) -> None:
    data = load("container-risky.json")
    assert data["Config"]["Healthcheck"] == {"Test": ["NONE"]}
    [finding] = container_rule("CTR-HEALTHCHECK-MISSING", data)
    assert finding.evidence == 'Config.Healthcheck.Test=["NONE"]'


def test_healthcheck_present_passes(container_rule) -> None:
    assert not container_rule("CTR-HEALTHCHECK-MISSING", hardened())


def test_unhealthy(container_rule) -> None:
    data = load("container-unhealthy.json")
    [finding] = container_rule("CTR-UNHEALTHY", data)
    assert finding.state == "running"
    assert finding.evidence == "State.Health.Status=unhealthy"
    data["State"]["Health"]["Status"] = "healthy"
    assert not container_rule("CTR-UNHEALTHY", data)


def test_unhealthy_without_health_state_passes(container_rule) -> None:
    assert "Health" not in hardened()["State"]
    assert not container_rule("CTR-UNHEALTHY", hardened())


@pytest.mark.parametrize("driver", ["json-file", "local"])
def test_log_rotation_missing_fires(container_rule, driver: str) -> None:
    data = hardened()
    data["HostConfig"]["LogConfig"] = {"Type": driver, "Config": {"max-file": "3"}}
    assert container_rule("CTR-LOG-ROTATION", data)


def test_log_rotation_other_driver_passes(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["LogConfig"] = {"Type": "journald", "Config": {}}
    assert not container_rule("CTR-LOG-ROTATION", data)


def test_log_rotation_max_size_passes(container_rule) -> None:
    assert not container_rule("CTR-LOG-ROTATION", hardened())


@pytest.mark.parametrize("reference", ["app", "app:latest", "localhost:5000/app", "registry.example.com:5000/team/app:latest"])
def test_image_latest_references_fire(container_rule, reference: str) -> None:
    data = hardened()
    data["Config"]["Image"] = reference
    assert container_rule("CTR-IMAGE-LATEST", data)


@pytest.mark.parametrize(
    "reference",
    [
        "busybox:1.36",
        "localhost:5000/app:1.2",
        "app@sha256:" + "a" * 64,
        "app:latest@sha256:" + "b" * 64,
        "sha256:" + "c" * 64,
        "7c154fce054b",
    ],
)
def test_pinned_references_pass(container_rule, reference: str) -> None:
    data = hardened()
    data["Config"]["Image"] = reference
    assert not container_rule("CTR-IMAGE-LATEST", data)


def test_env_secret_captured(container_rule) -> None:
    [finding] = container_rule("CTR-ENV-SECRET", load("container-risky.json"))
    assert finding.evidence == "Config.Env: DB_PASSWORD is set; DATABASE_URL=postgres://app:***@db:5432/app has a password"


@pytest.mark.parametrize("entry", ["API_KEY=x", "AWS_SECRET_ACCESS_KEY=x", "github-token=x", "db.passwd=x", "MYSQL_PWD=x", "REDIS_PASS=<redacted>"])
def test_env_secret_keys_fire(container_rule, entry: str) -> None:
    assert container_rule("CTR-ENV-SECRET", with_env(entry))


@pytest.mark.parametrize(
    "entry",
    ["API_KEY=", "API_KEY", "GPG_KEY_ID=0xABCDEF", "DB_PASSWORD_FILE=/run/secrets/db", "TOKEN_URL=https://auth/token", "PWD=/srv", "PUBLIC_KEY=ssh-ed25519 AAAA"],
)
def test_env_non_secrets_pass(container_rule, entry: str) -> None:
    assert not container_rule("CTR-ENV-SECRET", with_env(entry))


def test_env_url_password_fires_whatever_the_key(container_rule) -> None:
    [finding] = container_rule("CTR-ENV-SECRET", with_env("BROKER=amqp://guest:guestpass@rabbit:5672/"))
    assert finding.evidence == "Config.Env: BROKER=amqp://guest:***@rabbit:5672/ has a password"


def test_env_url_without_password_passes(container_rule) -> None:
    assert not container_rule("CTR-ENV-SECRET", with_env("BROKER=amqp://guest@rabbit:5672/"))


@pytest.mark.parametrize(
    "entry",
    ["NODE_TLS_REJECT_UNAUTHORIZED=0", "PYTHONHTTPSVERIFY=0", "GIT_SSL_NO_VERIFY=1", "GIT_SSL_NO_VERIFY=", "NPM_CONFIG_STRICT_SSL=false", "npm_config_strict_ssl=FALSE", "PIP_TRUSTED_HOST=pypi.internal"],
)
def test_env_tls_disabled_fires(container_rule, entry: str) -> None:
    assert container_rule("CTR-ENV-TLS-DISABLED", with_env(entry))


@pytest.mark.parametrize(
    "entry",
    ["NODE_TLS_REJECT_UNAUTHORIZED=1", "PYTHONHTTPSVERIFY=1", "NPM_CONFIG_STRICT_SSL=true", "PIP_TRUSTED_HOST=", "PIP_INDEX_URL=https://pypi.internal/simple"],
)
def test_env_tls_enabled_passes(container_rule, entry: str) -> None:
    assert not container_rule("CTR-ENV-TLS-DISABLED", with_env(entry))


def test_env_tls_disabled_captured(container_rule) -> None:
    [finding] = container_rule("CTR-ENV-TLS-DISABLED", load("container-risky.json"))
    assert finding.evidence == "Config.Env: NODE_TLS_REJECT_UNAUTHORIZED=0, PIP_TRUSTED_HOST=pypi.example.invalid"
