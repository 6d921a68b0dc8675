"""Container rules on configuration: health, logging, image reference and environment."""

from __future__ import annotations

from typing import Any

from inspector.model.fields import as_dict, as_list
from inspector.model.objects import Container
from inspector.rules.registry import EvaluationContext, Violation, check, lookup
from inspector.rules.secrets import has_url_password, is_secret_key, mask_url_passwords
from inspector.rules.semantics import is_latest_reference


def missing_healthcheck(config: Any) -> str | None:
    """Return why a `Config` has no effective healthcheck, or None if it has one or is unknown."""
    if not isinstance(config, dict):
        return None
    healthcheck = config.get("Healthcheck")
    if not isinstance(healthcheck, dict):
        return "Config.Healthcheck is absent"
    test = as_list(healthcheck.get("Test"))
    if test == ["NONE"]:
        return 'Config.Healthcheck.Test=["NONE"]'
    return None


def environment(container: Container) -> list[tuple[str, str]]:
    """Return `Config.Env` as (key, value) pairs; an entry without `=` has an empty value."""
    pairs = []
    for entry in as_list(lookup(container.inspect, "Config", "Env")):
        if isinstance(entry, str):
            key, _, value = entry.partition("=")
            pairs.append((key, value))
    return pairs


@check("CTR-HEALTHCHECK-MISSING")
def check_healthcheck_missing(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container with no effective healthcheck."""
    reason = missing_healthcheck(container.inspect.get("Config"))
    if reason is None:
        return None
    return Violation("the engine cannot tell whether the container works", reason)


@check("CTR-UNHEALTHY")
def check_unhealthy(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container whose healthcheck reports unhealthy."""
    if lookup(container.inspect, "State", "Health", "Status") != "unhealthy":
        return None
    streak = lookup(container.inspect, "State", "Health", "FailingStreak")
    message = "the container's healthcheck is failing"
    if isinstance(streak, int):
        message += f" ({streak} failures in a row)"
    return Violation(message, "State.Health.Status=unhealthy")


@check("CTR-LOG-ROTATION")
def check_log_rotation(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a json-file or local log driver without max-size."""
    log_config = lookup(container.inspect, "HostConfig", "LogConfig")
    if not isinstance(log_config, dict):
        return None
    driver = log_config.get("Type")
    if driver not in ("json-file", "local") or "max-size" in as_dict(log_config.get("Config")):
        return None
    return Violation(f"the {driver} log grows without limit", f"HostConfig.LogConfig: Type={driver}, no max-size")


@check("CTR-IMAGE-LATEST")
def check_image_latest(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container created from an untagged or `latest` reference."""
    reference = lookup(container.inspect, "Config", "Image")
    if not isinstance(reference, str) or not is_latest_reference(reference):
        return None
    return Violation("the container's image reference is not pinned", f"Config.Image={reference} (means latest)")


@check("CTR-ENV-SECRET")
def check_env_secret(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag secret-like keys with a value and URLs with a password in `Config.Env`.

    The evidence names keys only; a URL is shown with its password replaced by `***`.
    """
    keys, urls = [], []
    for key, value in environment(container):
        if not value:
            continue
        if is_secret_key(key):
            keys.append(key)
        elif has_url_password(value):
            urls.append(f"{key}={mask_url_passwords(value)}")
    if not keys and not urls:
        return None
    parts = [f"{key} is set" for key in keys] + [f"{url} has a password" for url in urls]
    names = keys + [url.partition("=")[0] for url in urls]
    return Violation(f"secret in environment variable {', '.join(names)}", "Config.Env: " + "; ".join(parts))


def _tls_disabling(key: str, value: str) -> bool:
    if key == "NODE_TLS_REJECT_UNAUTHORIZED":
        return value.strip() == "0"
    if key == "PYTHONHTTPSVERIFY":
        return value.strip() == "0"
    # git turns verification off when the variable exists at all, whatever its value.
    if key == "GIT_SSL_NO_VERIFY":
        return True
    # npm reads its config variables case-insensitively.
    if key.upper() == "NPM_CONFIG_STRICT_SSL":
        return value.strip().lower() == "false"
    if key == "PIP_TRUSTED_HOST":
        return bool(value.strip())
    return False


@check("CTR-ENV-TLS-DISABLED")
def check_env_tls_disabled(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag environment variables that turn off TLS certificate verification."""
    found = [f"{key}={mask_url_passwords(value)}" for key, value in environment(container) if _tls_disabling(key, value)]
    if not found:
        return None
    return Violation("TLS certificate verification is disabled", "Config.Env: " + ", ".join(found))

