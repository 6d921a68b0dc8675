"""The context picker's entries: contexts from the CLI's store, the endpoint in use, the active mark."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

from inspector.tui.screens.contexts import ContextEntry, list_context_entries, option_prompt


def write_context(config_dir: Path, name: str, host: str | None) -> None:
    meta_dir = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta_dir.mkdir(parents=True)
    endpoints = {"docker": {"Host": host}} if host else {}
    (meta_dir / "meta.json").write_text(json.dumps({"Name": name, "Endpoints": endpoints}))


def live_source(endpoint: str, context: str | None) -> SimpleNamespace:
    return SimpleNamespace(live=True, engine=object(), endpoint_label=endpoint, context_label=context)


def environment(tmp_path: Path) -> dict[str, str]:
    config_dir = tmp_path / "docker-config"
    write_context(config_dir, "prod", "ssh://ops@192.0.2.5")
    write_context(config_dir, "staging", "tcp://192.0.2.6:2376")
    # `default` resolves to DOCKER_HOST, so the test does not depend on this machine's socket.
    return {"DOCKER_CONFIG": str(config_dir), "HOME": str(tmp_path), "DOCKER_HOST": "unix:///tmp/dsc-test.sock"}


def test_active_context_marked(tmp_path: Path) -> None:
    entries = list_context_entries(live_source("tcp://192.0.2.6:2376", "staging"), environment(tmp_path))

    assert entries == [
        ContextEntry(name="default", endpoint="unix:///tmp/dsc-test.sock"),
        ContextEntry(name="prod", endpoint="ssh://ops@192.0.2.5"),
        ContextEntry(name="staging", endpoint="tcp://192.0.2.6:2376", active=True),
    ]


def test_host_option_listed_as_in_use(tmp_path: Path) -> None:
    entries = list_context_entries(live_source("tcp://192.0.2.9:2375", None), environment(tmp_path))

    assert entries[0] == ContextEntry(name=None, endpoint="tcp://192.0.2.9:2375", active=True)
    assert [entry.name for entry in entries[1:]] == ["default", "prod", "staging"]
    assert not any(entry.active for entry in entries[1:])


def test_default_endpoint_marks_default(tmp_path: Path) -> None:
    entries = list_context_entries(live_source("unix:///tmp/dsc-test.sock", None), environment(tmp_path))

    assert [entry.name for entry in entries if entry.active] == ["default"]
    assert entries[0].name == "default"


def test_capture_source_listed_as_in_use(tmp_path: Path) -> None:
    source = SimpleNamespace(live=False, engine=None, endpoint_label="demo capture", context_label="prod")

    entries = list_context_entries(source, environment(tmp_path))

    assert entries[0] == ContextEntry(name=None, endpoint="demo capture", active=True)
    assert not any(entry.active for entry in entries[1:])


def test_broken_context_shows_error(tmp_path: Path) -> None:
    environ = environment(tmp_path)
    write_context(Path(environ["DOCKER_CONFIG"]), "broken", None)

    entries = list_context_entries(live_source("tcp://192.0.2.6:2376", "staging"), environ)

    broken = next(entry for entry in entries if entry.name == "broken")
    assert broken.error is not None
    assert "has no docker endpoint" in broken.error
    assert not broken.active


def test_prompt_drops_escape_sequences() -> None:
    entry = ContextEntry(name="evil\x1b[2J", endpoint="tcp://192.0.2.1:2375\x07", active=True)

    prompt = option_prompt(entry, width=8)

    assert "\x1b" not in prompt.plain
    assert "\x07" not in prompt.plain
    assert prompt.plain.startswith("● evil")
    assert prompt.plain.endswith("tcp://192.0.2.1:2375")
