"""Severities, object kinds and the finding a rule reports."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict


class Severity(str, Enum):
    """A rule's severity; members compare by `rank`, not alphabetically."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Return 4 for critical down to 0 for info."""
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Return the severity named by `text`, case-insensitively; raise ValueError otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(member.value for member in cls)
            raise ValueError(f"invalid severity {text!r}: expected one of {names}") from None


_RANKS = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}

SEVERITIES_WORST_FIRST: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))


class ObjectKind(str, Enum):
    """The kind of object a finding is about."""

    CONTAINER = "container"
    IMAGE = "image"
    NETWORK = "network"
    HOST = "host"
    SECRET = "secret"


class Finding(BaseModel):
    """One rule violated by one object, with the evidence and the fix."""

    model_config = ConfigDict(frozen=True)

    rule: str
    severity: Severity
    title: str
    kind: ObjectKind
    object_id: str
    object_name: str
    state: str | None = None
    message: str
    evidence: str
    cis: str | None = None
    remediation: str
    waived: bool = False
    waiver_reason: str | None = None

    def sort_key(self) -> tuple[int, str, str, str]:
        """Order worst severity first, then by rule id, object name and object id."""
        return (-self.severity.rank, self.rule, self.object_name, self.object_id)
