"""Pydantic models shared by the engine, the rules, the reports and the TUI."""

from inspector.model.findings import Finding, ObjectKind, Severity
from inspector.model.objects import (
    Container,
    Host,
    HostSnapshot,
    Image,
    Network,
    Secret,
    Service,
)

__all__ = [
    "Container",
    "Finding",
    "Host",
    "HostSnapshot",
    "Image",
    "Network",
    "ObjectKind",
    "Secret",
    "Service",
    "Severity",
]
