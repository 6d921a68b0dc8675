"""dsc-tui.toml: disabled rules, severity overrides, waivers, the log export directory and log tail.

A config file looks like this:

    [rules]
    disable = ["IMG-STALE"]

    [rules.severity]
    CTR-CAP-DROP = "high"

    [[waivers]]
    rule = "CTR-ROOT-USER"
    target = "legacy-*"          # a name glob, or `label=value` matched against the object's labels
    reason = "vendor image, replacement tracked in OPS-12"
    expires = 2027-01-31         # optional, and the waiver still applies on that day

    [export]
    dir = "~/dsc-tui-logs"

    [logs]
    tail = 1000

A relative `export.dir` is taken from the directory dsc-tui runs in, like the default `.`.
Every problem is reported as one `ConfigError` naming the file, the key and what is wrong.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from inspector.errors import ConfigError
from inspector.model import Finding, HostSnapshot, ObjectKind, Severity

log = logging.getLogger(__name__)

CONFIG_FILE_NAME = "dsc-tui.toml"
DEFAULT_LOG_TAIL = 1000

_TOP_LEVEL_KEYS = ("rules", "waivers", "export", "logs")
_RULES_KEYS = ("disable", "severity")
_WAIVER_KEYS = ("rule", "target", "reason", "expires")
_EXPORT_KEYS = ("dir",)
_LOGS_KEYS = ("tail",)


@dataclass(frozen=True)
class Waiver:
    """An accepted finding: `rule` on the objects `target` matches, for `reason`, until `expires`."""

    rule: str
    target: str
    reason: str
    expires: date | None = None

    @property
    def label_target(self) -> tuple[str, str] | None:
        """The `(label key, value glob)` of a `label=value` target, or None for a name glob."""
        # Docker object names and image references never contain `=`, so `=` marks a label target.
        key, separator, value = self.target.partition("=")
        return (key, value) if separator else None

    def is_expired(self, today: date) -> bool:
        """Return whether the waiver no longer applies on `today` (it still applies on `expires`)."""
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class Config:
    """The settings of one config file, or the defaults when there is none."""

    path: Path | None = None
    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    export_dir: Path = Path(".")
    log_tail: int = DEFAULT_LOG_TAIL

    def expired_waivers(self, today: date) -> list[Waiver]:
        """Return the waivers that no longer apply on `today`."""
        return [waiver for waiver in self.waivers if waiver.is_expired(today)]


def find_config_file(
    explicit: Path | None = None,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path | None:
    """Return the config file to read: `explicit`, else ./dsc-tui.toml, else the XDG one, else None."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return explicit

    local = (cwd or Path.cwd()) / CONFIG_FILE_NAME
    if local.is_file():
        return local

    environ = os.environ if environ is None else environ
    config_home = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".config")
    user = Path(config_home) / "dsc-tui" / "config.toml"
    if user.is_file():
        return user
    return None


def load_config(
    explicit: Path | None = None,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    rule_ids: Collection[str] | None = None,
) -> Config:
    """Find and parse the config file, or return the defaults when there is none."""
    path = find_config_file(explicit, cwd, environ)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None
    return parse_config(text, path, rule_ids)


def parse_config(text: str, path: Path, rule_ids: Collection[str] | None = None) -> Config:
    """Parse and validate config text against `rule_ids`, by default the rule catalogue."""
    if rule_ids is None:
        from inspector.rules import RULES

        rule_ids = RULES.keys()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    return _Parser(path, frozenset(rule_ids)).parse(data)


class _Parser:
    """Validation of parsed TOML, raising a ConfigError that names the file and the key."""

    def __init__(self, path: Path, rule_ids: frozenset[str]) -> None:
        self.path = path
        self.rule_ids = rule_ids

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key}: {problem}")

    def parse(self, data: dict[str, Any]) -> Config:
        self.check_keys(data, _TOP_LEVEL_KEYS, prefix="")
        rules = self.table(data, "rules")
        self.check_keys(rules, _RULES_KEYS, prefix="rules.")
        export = self.table(data, "export")
        self.check_keys(export, _EXPORT_KEYS, prefix="export.")
        logs = self.table(data, "logs")
        self.check_keys(logs, _LOGS_KEYS, prefix="logs.")
        return Config(
            path=self.path,
            disabled=self.disabled(rules.get("disable", [])),
            severity=self.severity(rules.get("severity", {})),
            waivers=self.waivers(data.get("waivers", [])),
            export_dir=self.export_dir(export.get("dir", ".")),
            log_tail=self.log_tail(logs.get("tail", DEFAULT_LOG_TAIL)),
        )

    def check_keys(self, table: Mapping[str, Any], allowed: Iterable[str], prefix: str) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                raise self.fail(f"{prefix}{key}", f"unknown key, expected one of {', '.join(allowed)}")

    def table(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {_describe(value)}")
        return value

    def rule_id(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a rule id string, got {_describe(value)}")
        if value not in self.rule_ids:
            raise self.fail(key, f"unknown rule id {value!r} (`dsc-tui rules` lists the ids)")
        return value

    def string(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {_describe(value)}")
        if not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def disabled(self, value: Any) -> frozenset[str]:
        if not isinstance(value, list):
            raise self.fail("rules.disable", f"expected a list of rule ids, got {_describe(value)}")
        return frozenset(self.rule_id(f"rules.disable[{index}]", item) for index, item in enumerate(value))

    def severity(self, value: Any) -> dict[str, Severity]:
        if not isinstance(value, dict):
            raise self.fail("rules.severity", f"expected a table of rule id = severity, got {_describe(value)}")
        overrides: dict[str, Severity] = {}
        for rule, text in value.items():
            key = f"rules.severity.{rule}"
            self.rule_id(key, rule)
            if not isinstance(text, str):
                raise self.fail(key, f"expected a severity string, got {_describe(text)}")
            try:
                overrides[rule] = Severity.parse(text)
            except ValueError as error:
                raise self.fail(key, str(error)) from None
        return overrides

    def waivers(self, value: Any) -> tuple[Waiver, ...]:
        if not isinstance(value, list):
            raise self.fail("waivers", f"expected an array of tables ([[waivers]]), got {_describe(value)}")
        return tuple(self.waiver(index, entry) for index, entry in enumerate(value))

    def waiver(self, index: int, entry: Any) -> Waiver:
        prefix = f"waivers[{index}]"
        if not isinstance(entry, dict):
            raise self.fail(prefix, f"expected a table, got {_describe(entry)}")
        self.check_keys(entry, _WAIVER_KEYS, prefix=f"{prefix}.")
        for required in ("rule", "target", "reason"):
            if required not in entry:
                raise self.fail(f"{prefix}.{required}", "missing (every waiver needs rule, target and reason)")
        target = self.string(f"{prefix}.target", entry["target"])
        if target.startswith("="):
            raise self.fail(f"{prefix}.target", f"invalid label target {target!r}, expected label=value")
        return Waiver(
            rule=self.rule_id(f"{prefix}.rule", entry["rule"]),
            target=target,
            reason=self.string(f"{prefix}.reason", entry["reason"]),
            expires=self.expiry(f"{prefix}.expires", entry.get("expires")),
        )

    def expiry(self, key: str, value: Any) -> date | None:
        if value is None:
            return None
        # A TOML date arrives as `date`, a datetime as `datetime` (a subclass of date), which is rejected
        # because a waiver expires on a day, not at a moment.
        if isinstance(value, date) and type(value) is date:
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(key, f"invalid date {value!r}, expected YYYY-MM-DD")

    def export_dir(self, value: Any) -> Path:
        directory = Path(self.string("export.dir", value)).expanduser()
        if directory.exists() and not directory.is_dir():
            raise self.fail("export.dir", f"{str(directory)!r} exists and is not a directory")
        return directory

    def log_tail(self, value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail("logs.tail", f"expected a positive number of lines, got {value!r}")
        return value


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def apply_config(
    findings: Iterable[Finding],
    config: Config,
    snapshot: HostSnapshot,
    today: date,
) -> list[Finding]:
    """Drop disabled rules, apply severity overrides and waivers, and return the findings sorted."""
    if not (config.disabled or config.severity or config.waivers):
        return sorted(findings, key=Finding.sort_key)
    labels_by_id = _labels_by_object_id(snapshot)
    tags_by_id = {image.id: image.tags for image in snapshot.images}
    result: list[Finding] = []
    for finding in findings:
        if finding.rule in config.disabled:
            continue
        update: dict[str, Any] = {}
        override = config.severity.get(finding.rule)
        if override is not None:
            update["severity"] = override

        matching = [
            waiver
            for waiver in config.waivers
            if waiver.rule == finding.rule and _matches(waiver, finding, labels_by_id, tags_by_id)
        ]
        active = next((waiver for waiver in matching if not waiver.is_expired(today)), None)
        if active is not None:
            update["waived"] = True
            update["waiver_reason"] = active.reason
        elif matching:
            expired = matching[0]
            update["waived"] = False
            update["waiver_reason"] = f"expired {expired.expires.isoformat()}: {expired.reason}"

        result.append(finding.model_copy(update=update) if update else finding)
    return sorted(result, key=Finding.sort_key)


def _labels_by_object_id(snapshot: HostSnapshot) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for objects in (snapshot.containers, snapshot.images, snapshot.networks, snapshot.secrets):
        for item in objects:
            labels[item.id] = item.labels
    # The engine's own labels arrive in /info as a list of `key=value` strings.
    host_labels = snapshot.host.info.get("Labels")
    if isinstance(host_labels, list):
        labels[snapshot.host.engine_id] = dict(
            str(entry).partition("=")[::2] for entry in host_labels if isinstance(entry, str)
        )
    return labels


def _matches(
    waiver: Waiver,
    finding: Finding,
    labels_by_id: Mapping[str, Mapping[str, str]],
    tags_by_id: Mapping[str, list[str]],
) -> bool:
    label_target = waiver.label_target
    if label_target is not None:
        key, value_glob = label_target
        labels = labels_by_id.get(finding.object_id, {})
        return key in labels and fnmatch.fnmatchcase(labels[key], value_glob)

    names = [finding.object_name]
    if finding.kind is ObjectKind.IMAGE:
        # An image is known by every tag it carries, not only the one the finding shows.
        names.extend(tags_by_id.get(finding.object_id, []))
    return any(fnmatch.fnmatchcase(name, waiver.target) for name in names)
