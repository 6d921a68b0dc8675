"""`dsc-tui scan` on the live lab fleet: every format, no secret values, and capture parity."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from inspector.lab import LabFleet

pytestmark = pytest.mark.integration

FORMATS = ("table", "json", "sarif", "markdown")
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # A fresh process, as a user runs it. The empty config directory keeps a developer's config out.
    environ = {**os.environ, "XDG_CONFIG_HOME": str(cwd / "xdg"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "inspector.cli", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _is_lab_finding(finding: dict, lab: LabFleet) -> bool:
    # Other tests create and remove objects while this one runs, so parity is checked on the lab's
    # objects and the host only.
    names = {*lab.containers.values(), *lab.images.values(), *lab.networks.values(), *lab.secrets}
    name = finding["object_name"]
    return finding["kind"] == "host" or name in names or name.startswith("dsc-lab")


def _key(finding: dict) -> tuple:
    return (finding["rule"], finding["kind"], finding["object_name"], finding["message"], finding["evidence"])


@pytest.mark.parametrize("report_format", FORMATS)
def test_scan_format_on_lab(lab_fleet: LabFleet, tmp_path: Path, report_format: str) -> None:
    result = _run("scan", "--format", report_format, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() != ""
    assert "dsc-lab-admin" in result.stdout
    assert "CTR-PRIVILEGED" in result.stdout
    for value in lab_fleet.secret_values:
        assert value not in result.stdout
        assert value not in result.stderr


def test_scan_fails_on_critical(lab_fleet: LabFleet, tmp_path: Path) -> None:
    result = _run("scan", "--format", "json", "--fail-on", "critical", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["critical"] >= 1


def test_scan_output_file(lab_fleet: LabFleet, tmp_path: Path) -> None:
    output = tmp_path / "report.sarif"
    result = _run("scan", "--format", "sarif", "--output", str(output), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = output.read_text(encoding="utf-8")
    sarif = json.loads(text)
    assert sarif["version"] == "2.1.0"
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in jsonschema.Draft4Validator(schema).iter_errors(sarif)]
    assert errors == []
    for value in lab_fleet.secret_values:
        assert value not in text


def test_live_and_capture_scans_agree(lab_fleet: LabFleet, tmp_path: Path) -> None:
    capture = tmp_path / "lab.json"
    captured = _run("capture", "--output", str(capture), cwd=tmp_path)
    assert captured.returncode == 0, captured.stderr
    live = _run("scan", "--format", "json", cwd=tmp_path)
    assert live.returncode == 0, live.stderr
    replayed = _run("scan", "--format", "json", "--snapshot", str(capture), cwd=tmp_path)
    assert replayed.returncode == 0, replayed.stderr

    live_findings = sorted(_key(f) for f in json.loads(live.stdout)["findings"] if _is_lab_finding(f, lab_fleet))
    capture_findings = sorted(
        _key(f) for f in json.loads(replayed.stdout)["findings"] if _is_lab_finding(f, lab_fleet)
    )
    assert live_findings != []
    assert live_findings == capture_findings
