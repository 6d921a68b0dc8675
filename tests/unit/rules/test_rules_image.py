"""Image rules on the captured image inspect JSON and history, in each history format."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from rulefixtures import CAPTURED_AT, findings_for, load, make_snapshot

from inspector.model import Finding


def classic() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return load("image-classic.json"), load("image-classic-history.json")


def busybox() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return load("image-busybox.json"), []


def to_buildkit(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rewrite captured classic-builder steps the way BuildKit records them."""
    converted = []
    for entry in history:
        text = entry["CreatedBy"]
        nop = re.match(r"^/bin/sh -c #\(nop\)\s+(.*)$", text)
        if nop:
            text = nop.group(1).strip()
            if text.startswith(("ADD ", "COPY ")):
                text = re.sub(r"file:\S+ in (\S+)", r"Dockerfile.rules \1", text) + " # buildkit"
        elif text:
            text = f"RUN {text} # buildkit"
        converted.append({**entry, "CreatedBy": text})
    return converted


def with_steps(*steps: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The captured image with a history of these steps, given oldest first."""
    data, _ = classic()
    return data, [{"CreatedBy": step, "Id": "<missing>"} for step in reversed(steps)]


def image_rule(rule: str, image: tuple[dict[str, Any], list[dict[str, Any]]], **kwargs: Any) -> list[Finding]:
    return findings_for(rule, make_snapshot(images=[image], **kwargs))


HISTORY_RULES = ["IMG-HISTORY-SECRET", "IMG-ADD-INSTRUCTION", "IMG-UPDATE-ALONE", "IMG-PACKAGE-CACHE", "IMG-UNVERIFIED-PACKAGES", "IMG-SUDO"]


@pytest.mark.parametrize("rule", HISTORY_RULES)
def test_history_rules_fire_on_captured_history(rule: str) -> None:
    assert image_rule(rule, classic())


@pytest.mark.parametrize("rule", HISTORY_RULES)
def test_history_rules_same_evidence_in_buildkit_format(rule: str) -> None:
    data, history = classic()
    [captured] = image_rule(rule, (data, history))
    [buildkit] = image_rule(rule, (data, to_buildkit(history)))
    assert buildkit.message == captured.message
    if rule != "IMG-ADD-INSTRUCTION":
        assert buildkit.evidence == captured.evidence


@pytest.mark.parametrize("rule", HISTORY_RULES)
def test_history_rules_pass_on_imported_base(rule: str) -> None:
    assert not image_rule(rule, busybox())


def test_history_secret_evidence_names_keys_only() -> None:
    [finding] = image_rule("IMG-HISTORY-SECRET", classic())
    assert finding.evidence == (
        "history: ARG NPM_TOKEN is set; ENV DB_PASSWORD is set; build argument NPM_TOKEN is set;"
        " RUN sets aws_secret_access_key with aws configure"
    )


@pytest.mark.parametrize(
    "step",
    [
        "/bin/sh -c #(nop)  ENV GPG_KEY_ID=0xABCDEF",
        "/bin/sh -c #(nop)  ENV DB_PASSWORD_FILE=/run/secrets/db",
        "/bin/sh -c #(nop)  ARG NPM_TOKEN",
        "/bin/sh -c #(nop)  ENV API_KEY=",
        "/bin/sh -c apk add libssl3=3.1.4-r1 openssl=3.1.4-r1",
        "/bin/sh -c echo $DB_PASSWORD | docker login --password-stdin registry",
        "|1 BUILD_VERSION=1.2.3 /bin/sh -c echo ok",
    ],
)
def test_history_secret_non_secrets_pass(step: str) -> None:
    assert not image_rule("IMG-HISTORY-SECRET", with_steps(step))


@pytest.mark.parametrize(
    ("step", "evidence"),
    [
        ("/bin/sh -c #(nop)  ENV DB_PASSWORD <redacted>", "ENV DB_PASSWORD is set"),
        ("ARG GITHUB_TOKEN=<redacted>", "ARG GITHUB_TOKEN is set"),
        ("|1 NPM_TOKEN=<redacted> /bin/sh -c npm ci", "build argument NPM_TOKEN is set"),
        ("RUN |1 NPM_TOKEN=abc /bin/sh -c npm ci # buildkit", "build argument NPM_TOKEN is set"),
        ("/bin/sh -c mysql --password=<redacted> -e 'select 1'", "RUN passes --password"),
        ("/bin/sh -c git clone https://bot:***@git.example/repo.git", "RUN uses a URL with a password"),
        ("/bin/sh -c #(nop)  ENV MIRROR=https://user:***@mirror.example/", "ENV MIRROR holds a URL with a password"),
    ],
)
def test_history_secret_spellings_fire(step: str, evidence: str) -> None:
    [finding] = image_rule("IMG-HISTORY-SECRET", with_steps(step))
    assert finding.evidence == f"history: {evidence}"


def test_add_base_root_filesystem_layer_passes() -> None:
    assert not image_rule("IMG-ADD-INSTRUCTION", with_steps("/bin/sh -c #(nop) ADD file:abc123 in / ", '/bin/sh -c #(nop)  CMD ["sh"]'))


def test_add_buildkit_base_layer_passes() -> None:
    assert not image_rule("IMG-ADD-INSTRUCTION", with_steps("ADD alpine-minirootfs.tar.gz / # buildkit"))


def test_add_second_root_layer_fires() -> None:
    [finding] = image_rule(
        "IMG-ADD-INSTRUCTION",
        with_steps("/bin/sh -c #(nop) ADD file:abc123 in / ", "/bin/sh -c #(nop) ADD file:def456 in / "),
    )
    assert finding.evidence == "history: ADD file:def456 in /"


def test_add_captured_evidence() -> None:
    [finding] = image_rule("IMG-ADD-INSTRUCTION", classic())
    assert finding.evidence.startswith("history: ADD file:676e9716")
    assert finding.evidence.endswith(" in /srv/Dockerfile")


def test_copy_is_not_add() -> None:
    assert not image_rule("IMG-ADD-INSTRUCTION", with_steps("/bin/sh -c #(nop) COPY file:abc in /app "))


@pytest.mark.parametrize("command", ["apt-get update", "apt-get -qq update", "apk update", "yum makecache", "dnf makecache --refresh"])
def test_update_alone_fires(command: str) -> None:
    assert image_rule("IMG-UPDATE-ALONE", with_steps(f"/bin/sh -c {command}"))


@pytest.mark.parametrize(
    "command",
    ["apt-get update && apt-get install -y curl", "apk update && apk upgrade", "yum update -y", "dnf makecache && dnf install -y tar"],
)
def test_update_with_install_passes(command: str) -> None:
    assert not image_rule("IMG-UPDATE-ALONE", with_steps(f"/bin/sh -c {command}"))


@pytest.mark.parametrize(
    "command",
    ["apt-get install -y curl", "DEBIAN_FRONTEND=noninteractive apt-get install -y curl", "apk add curl", "dnf install -y tar"],
)
def test_package_cache_fires(command: str) -> None:
    assert image_rule("IMG-PACKAGE-CACHE", with_steps(f"/bin/sh -c {command}"))


@pytest.mark.parametrize(
    "command",
    [
        "apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
        "apk add --no-cache curl",
        "yum install -y tar && yum clean all",
        "dnf install -y tar; dnf clean all",
    ],
)
def test_package_cache_cleaned_passes(command: str) -> None:
    assert not image_rule("IMG-PACKAGE-CACHE", with_steps(f"/bin/sh -c {command}"))


@pytest.mark.parametrize(
    "command",
    [
        "apt-get install -y --allow-unauthenticated curl",
        "apt-get install -y --force-yes curl",
        "apk add --allow-untrusted pkg.apk",
        "yum install --nogpgcheck -y tar",
        "wget --no-check-certificate https://example.invalid/x",
        "curl -k https://example.invalid/x",
        "curl -fsSLk https://example.invalid/x",
        "curl --insecure https://example.invalid/x",
        "pip install --trusted-host pypi.internal requests",
        "pip3 install --trusted-host=pypi.internal requests",
        "python3 -m pip install --trusted-host pypi.internal requests",
    ],
)
def test_unverified_packages_fire(command: str) -> None:
    assert image_rule("IMG-UNVERIFIED-PACKAGES", with_steps(f"/bin/sh -c {command}"))


@pytest.mark.parametrize(
    "command",
    ["curl -fsSL https://example.invalid/x", "curl -K config.txt https://example.invalid/x", "pip install requests", "echo --trusted-host"],
)
def test_verified_downloads_pass(command: str) -> None:
    assert not image_rule("IMG-UNVERIFIED-PACKAGES", with_steps(f"/bin/sh -c {command}"))


@pytest.mark.parametrize("command", ["sudo apt-get install -y curl", "true && sudo -E make install", "if true; then sudo true; fi"])
def test_sudo_command_fires(command: str) -> None:
    assert image_rule("IMG-SUDO", with_steps(f"/bin/sh -c {command}"))


@pytest.mark.parametrize("command", ["apt-get install -y sudo", "apk add libssl3=3.1.4-r1 sudo", "echo sudo"])
def test_sudo_as_argument_passes(command: str) -> None:
    assert not image_rule("IMG-SUDO", with_steps(f"/bin/sh -c {command}"))


def test_root_user() -> None:
    [finding] = image_rule("IMG-ROOT-USER", busybox())
    assert finding.evidence == "Config.User is empty (root)"
    assert not image_rule("IMG-ROOT-USER", classic())


@pytest.mark.parametrize(("user", "fires"), [("app", True), ("app:app", True), ("10001", False), ("10001:10001", False), ("", False), ("root", False)])
def test_named_user(user: str, fires: bool) -> None:
    data, history = classic()
    data["Config"]["User"] = user
    assert bool(image_rule("IMG-NAMED-USER", (data, history))) is fires


def test_healthcheck_missing() -> None:
    assert image_rule("IMG-HEALTHCHECK-MISSING", classic())
    assert image_rule("IMG-HEALTHCHECK-MISSING", busybox())
    data, history = classic()
    data["Config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "true"]}
    assert not image_rule("IMG-HEALTHCHECK-MISSING", (data, history))


def test_latest_tag() -> None:
    [finding] = image_rule("IMG-LATEST-TAG", classic())
    assert finding.evidence == "RepoTags: dsc-rules-classic:latest"
    assert not image_rule("IMG-LATEST-TAG", busybox())


def test_ssh_port() -> None:
    assert image_rule("IMG-SSH-PORT", classic())
    assert not image_rule("IMG-SSH-PORT", busybox())


def test_large() -> None:
    data, history = busybox()
    assert not image_rule("IMG-LARGE", (data, history))
    data["Size"] = 1024**3 + 1
    assert image_rule("IMG-LARGE", (data, history))


@pytest.mark.parametrize(("age_days", "fires"), [(91, True), (89, False)])
def test_stale(age_days: int, fires: bool) -> None:
    data, history = busybox()
    data["Created"] = (CAPTURED_AT - timedelta(days=age_days)).strftime("%Y-%m-%dT%H:%M:%S.123456789Z")
    assert bool(image_rule("IMG-STALE", (data, history))) is fires


def test_stale_go_zero_time_passes() -> None:
    data, history = busybox()
    data["Created"] = "0001-01-01T00:00:00Z"
    assert not image_rule("IMG-STALE", (data, history))


def test_dangling() -> None:
    data, history = busybox()
    data["RepoTags"] = []
    assert image_rule("IMG-DANGLING", (data, history))
    container = load("container-default.json")
    container["Image"] = data["Id"]
    assert not image_rule("IMG-DANGLING", (data, history), containers=[container])
    assert not image_rule("IMG-DANGLING", busybox())
