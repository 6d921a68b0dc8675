"""The audit log: one JSON line per attempt, owner-only file, the documented fields."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from inspector.audit import AuditLog, current_user, default_audit_path

TARGET = {"kind": "container", "id": "3f2a1b9c0d12" + "0" * 52, "name": "dsc-lab-web"}


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_record_writes_documented_fields(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    audit.record(action="disconnect", target=TARGET, endpoint="unix:///var/run/docker.sock",
                 params={"network": "frontend"})
    [entry] = read_lines(audit.path)
    assert set(entry) == {"time", "user", "endpoint", "action", "target", "params", "result", "error"}
    assert entry["action"] == "disconnect"
    assert entry["target"] == TARGET
    assert entry["params"] == {"network": "frontend"}
    assert entry["endpoint"] == "unix:///var/run/docker.sock"
    assert entry["result"] == "ok"
    assert entry["error"] is None
    assert entry["user"] == current_user()
    assert entry["time"].endswith("Z")


def test_record_error_result(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    audit.record(action="stop", target=TARGET, endpoint="e", error="Cannot stop 3f2a1b9c0d12: the container no longer exists.")
    [entry] = read_lines(audit.path)
    assert entry["result"] == "error"
    assert "no longer exists" in entry["error"]


def test_records_append_one_line_each(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    for action in ("pause", "unpause", "stop"):
        audit.record(action=action, target=TARGET, endpoint="e")
    assert [entry["action"] for entry in read_lines(audit.path)] == ["pause", "unpause", "stop"]


def test_file_and_parent_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "state" / "dsc-tui" / "audit.jsonl"
    AuditLog(path).record(action="stop", target=TARGET, endpoint="e")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_newlines_in_values_stay_on_one_line(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    audit.record(action="stop", target=TARGET, endpoint="e", error="line one\nline two")
    assert len(audit.path.read_text(encoding="utf-8").splitlines()) == 1


def test_default_path_follows_xdg_state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_audit_path() == tmp_path / "dsc-tui" / "audit.jsonl"


def test_default_path_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_audit_path() == tmp_path / ".local" / "state" / "dsc-tui" / "audit.jsonl"
