"""Image rules on the build history: secrets, ADD, package-manager use and sudo.

Evidence names the instruction, key or option involved and never copies a RUN command line,
which may hold a credential the redaction did not recognise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspector.model.objects import Image
from inspector.rules.history import (
    HistoryStep,
    add_destination,
    assignments,
    command_segments,
    effective_command,
    parse_history,
    program_name,
)
from inspector.rules.registry import EvaluationContext, Violation, check
from inspector.rules.secrets import has_url_password, is_secret_key, mask_url_passwords

_PASSWORD_OPTION = re.compile(r"(?<![\w-])--password(?:=|\s+)(?!-)\S")
_AWS_SECRET = re.compile(r"\baws\s+configure\s+set\s+(?:\S+\.)?aws_secret_access_key\s+\S", re.IGNORECASE)
_UNVERIFIED_OPTIONS = ("--allow-unauthenticated", "--force-yes", "--allow-untrusted", "--nogpgcheck", "--no-check-certificate")
_CURL_SHORT_INSECURE = re.compile(r"^-[A-Za-z0-9]*k[A-Za-z0-9]*$")
_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)?)?$")

_FAMILIES = {"apt-get": "apt", "apt": "apt", "apk": "apk", "yum": "rpm", "dnf": "rpm", "microdnf": "rpm"}
_INDEX_UPDATES = {"apt": {"update"}, "apk": {"update"}, "rpm": {"makecache"}}
# `yum update` upgrades packages; only `makecache` refreshes the index alone.
_INSTALLS = {
    "apt": {"install", "upgrade", "dist-upgrade", "full-upgrade"},
    "apk": {"add", "upgrade"},
    "rpm": {"install", "upgrade", "update", "reinstall", "groupinstall"},
}
_OPTIONS_WITH_VALUE = frozenset({"-o", "-c", "-t", "-X", "--repository", "-p", "--root"})


@dataclass(frozen=True)
class PackageCommand:
    """A package-manager invocation in a RUN step: `apt-get install -y curl` has family `apt`."""

    family: str
    program: str
    subcommand: str
    words: tuple[str, ...]


def package_commands(segments: list[list[str]]) -> list[PackageCommand]:
    """Return the package-manager commands among a RUN step's simple commands."""
    commands = []
    for segment in segments:
        words = effective_command(segment)
        if not words or program_name(words[0]) not in _FAMILIES:
            continue
        program = program_name(words[0])
        subcommand, skip = "", False
        for word in words[1:]:
            if skip:
                skip = False
            elif word in _OPTIONS_WITH_VALUE:
                skip = True
            elif not word.startswith("-"):
                subcommand = word
                break
        commands.append(PackageCommand(_FAMILIES[program], program, subcommand, tuple(words)))
    return commands


def _run_steps(image: Image) -> list[tuple[HistoryStep, list[list[str]]]]:
    return [(step, command_segments(step.arguments)) for step in parse_history(image.history) if step.instruction == "RUN"]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _violation(message: str, items: list[str]) -> Violation | None:
    items = _unique(items)
    if not items:
        return None
    return Violation(message, "history: " + "; ".join(items))


def _secret_assignment(label: str, key: str, value: str | None) -> str | None:
    if not value:
        return None
    if is_secret_key(key):
        return f"{label} {key} is set"
    if has_url_password(value):
        return f"{label} {key} holds a URL with a password"
    return None


@check("IMG-HISTORY-SECRET")
def check_history_secret(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag ENV, ARG and build-argument secrets and credentials on RUN command lines."""
    found: list[str | None] = []
    for step in parse_history(image.history):
        if step.instruction in ("ENV", "ARG"):
            found.extend(_secret_assignment(step.instruction, key, value) for key, value in assignments(step))
        if step.instruction != "RUN":
            continue
        found.extend(_secret_assignment("build argument", key, value) for key, value in step.build_args)
        if _PASSWORD_OPTION.search(step.arguments):
            found.append("RUN passes --password")
        if _AWS_SECRET.search(step.arguments):
            found.append("RUN sets aws_secret_access_key with aws configure")
        if has_url_password(step.arguments):
            found.append("RUN uses a URL with a password")
    return _violation("the image history records a secret", [item for item in found if item])


@check("IMG-ADD-INSTRUCTION")
def check_add_instruction(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag ADD steps, except the first ADD into `/` (the base image's root filesystem)."""
    adds = [step for step in parse_history(image.history) if step.instruction == "ADD"]
    if adds and add_destination(adds[0]) == "/":
        adds = adds[1:]
    shown = [f"ADD {mask_url_passwords(step.arguments)[:120]}" for step in adds]
    return _violation(f"{len(adds)} step(s) use ADD", shown)


@check("IMG-UPDATE-ALONE")
def check_update_alone(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag a RUN step that refreshes the package index without installing in the same step."""
    found = []
    for _, segments in _run_steps(image):
        commands = package_commands(segments)
        updates = [c for c in commands if c.subcommand in _INDEX_UPDATES[c.family]]
        installs = [c for c in commands if c.subcommand in _INSTALLS[c.family]]
        if updates and not installs:
            found.extend(f"RUN {c.program} {c.subcommand} with no install in the same step" for c in updates)
    return _violation("a package index update is cached in its own layer", found)


def _removes_apt_lists(segments: list[list[str]]) -> bool:
    for segment in segments:
        words = effective_command(segment)
        if words and program_name(words[0]) == "rm" and any(w.startswith("/var/lib/apt/lists") for w in words[1:]):
            return True
    return False


def _cleans_rpm_cache(commands: list[PackageCommand]) -> bool:
    return any(c.family == "rpm" and c.subcommand == "clean" and "all" in c.words for c in commands)


@check("IMG-PACKAGE-CACHE")
def check_package_cache(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag installs that leave the package manager's lists or cache in the layer."""
    found = []
    for _, segments in _run_steps(image):
        commands = package_commands(segments)
        for command in commands:
            if command.family == "apt" and command.subcommand == "install" and not _removes_apt_lists(segments):
                found.append(f"RUN {command.program} install without removing /var/lib/apt/lists")
            elif command.family == "apk" and command.subcommand == "add" and "--no-cache" not in command.words:
                found.append("RUN apk add without --no-cache")
            elif command.family == "rpm" and command.subcommand == "install" and not _cleans_rpm_cache(commands):
                found.append(f"RUN {command.program} install without {command.program} clean all")
    return _violation("package lists or caches stay in the image", found)


def _unverified_options(segment: list[str]) -> list[str]:
    words = effective_command(segment)
    found = [f"RUN uses {option}" for option in _UNVERIFIED_OPTIONS if option in segment]
    program = program_name(words[0]) if words else ""
    if program == "curl" and ("--insecure" in words or any(_CURL_SHORT_INSECURE.match(w) for w in words[1:])):
        found.append("RUN runs curl -k/--insecure")
    uses_pip = _PIP.match(program) or (program.startswith("python") and words[1:3] == ["-m", "pip"])
    if uses_pip and any(w == "--trusted-host" or w.startswith("--trusted-host=") for w in words):
        found.append("RUN runs pip --trusted-host")
    return found


@check("IMG-UNVERIFIED-PACKAGES")
def check_unverified_packages(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag options that skip package signature or TLS certificate checks."""
    found = [item for _, segments in _run_steps(image) for segment in segments for item in _unverified_options(segment)]
    return _violation("the build installs or downloads without verification", found)


@check("IMG-SUDO")
def check_sudo(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag a RUN command that starts with sudo (sudo as a package name or argument passes)."""
    found = []
    for _, segments in _run_steps(image):
        for segment in segments:
            words = effective_command(segment, skip_wrappers=False)
            if words and program_name(words[0]) == "sudo":
                found.append("RUN runs a command with sudo")
    return _violation("the build uses sudo", found)
