"""The early read of a local engine (`engine.raw`) gives what the SDK path gives, or steps aside."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

import pytest

from inspector.engine import Engine, collect_snapshot, resolve_endpoint
from inspector.engine.raw import Prefetch, SocketReader, prefetch_for_args, read_host
from inspector.engine.snapshot import snapshot_from_raw
from inspector.lab import LabFleet
from inspector.rules import evaluate_rules

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(socket_engine: Engine) -> Engine:
    return socket_engine


def _lab_objects(snapshot: Any, lab: LabFleet) -> dict[str, Any]:
    names = set(lab.containers.values())
    return {c.name: c.inspect for c in snapshot.containers if c.name in names}


def test_socket_read_equals_sdk_collection(engine: Engine, lab_fleet: LabFleet) -> None:
    assert engine.endpoint.socket_path is not None
    reader = SocketReader(engine.endpoint.socket_path, 30)
    try:
        raw = read_host(reader)
    finally:
        reader.close()
    early = snapshot_from_raw(raw, engine.endpoint.display, engine.endpoint.context)
    sdk = collect_snapshot(engine)

    # /info carries the clock and live counts, so the host is compared by what reports show.
    assert early.host.name == sdk.host.name
    assert early.host.endpoint == sdk.host.endpoint
    assert early.host.server_version == sdk.host.server_version
    assert early.host.api_version == sdk.host.api_version
    assert early.host.swarm_state == sdk.host.swarm_state
    assert {i.id for i in early.images} == {i.id for i in sdk.images}
    assert {n.name for n in early.networks} >= set(lab_fleet.networks.values())
    assert _lab_objects(early, lab_fleet) == _lab_objects(sdk, lab_fleet)
    assert len(_lab_objects(early, lab_fleet)) == len(lab_fleet.containers)


def test_lab_findings_match_between_paths(engine: Engine, lab_fleet: LabFleet) -> None:
    assert engine.endpoint.socket_path is not None
    prefetch = Prefetch(engine.endpoint, 30)
    raw = prefetch.result()
    assert raw is not None
    assert raw.built
    assert 0 < raw.read_seconds < 60

    early = evaluate_rules(snapshot_from_raw(raw, engine.endpoint.display, engine.endpoint.context))
    sdk = evaluate_rules(collect_snapshot(engine))
    names = set(lab_fleet.containers.values())

    def lab(findings: list[Any]) -> list[tuple[str, str, str]]:
        return [(f.rule, f.object_name, f.evidence) for f in findings if f.object_name in names]

    assert lab(early) == lab(sdk)
    assert lab(early)


def test_no_secret_value_in_the_early_read(engine: Engine, lab_fleet: LabFleet) -> None:
    assert engine.endpoint.socket_path is not None
    raw = Prefetch(engine.endpoint, 30).result()
    assert raw is not None
    text = repr(snapshot_from_raw(raw, engine.endpoint.display, None))

    for value in lab_fleet.secret_values:
        assert value not in text


def test_missing_socket_leaves_the_read_to_the_sdk(tmp_path: Path) -> None:
    endpoint = resolve_endpoint(host=f"unix://{tmp_path / 'absent.sock'}")

    prefetch = Prefetch(endpoint, 5)

    assert prefetch.result() is None
    assert prefetch.snapshot() is None


def _args(**values: Any) -> argparse.Namespace:
    defaults: dict[str, Any] = {"snapshot": None, "contexts": [], "host": None, "context": None, "timeout": 5.0,
                                "tlsverify": False, "tlscacert": None, "tlscert": None, "tlskey": None}
    return argparse.Namespace(**{**defaults, **values})


def test_early_read_only_for_one_local_socket(tmp_path: Path) -> None:
    socket_path = tmp_path / "engine.sock"

    assert prefetch_for_args(_args(snapshot=tmp_path / "capture.json")) is None
    assert prefetch_for_args(_args(contexts=["a", "b"])) is None
    assert prefetch_for_args(_args(host="tcp://127.0.0.1:2375")) is None
    assert prefetch_for_args(_args(demo=True)) is None
    started = prefetch_for_args(_args(host=f"unix://{socket_path}"))
    assert started is not None
    assert started.socket_path == socket_path
    assert started.result() is None


def test_snapshot_hands_the_read_over_once(engine: Engine, lab_fleet: LabFleet) -> None:
    prefetch = Prefetch(engine.endpoint, 30)

    first = prefetch.snapshot()

    assert first is not None
    assert len(first.containers) >= len(lab_fleet.containers)
    # The session keeps the prefetch; it must not keep every object's JSON with it.
    assert prefetch.result() is None
    assert prefetch.snapshot() is None


def test_early_read_logs_the_collection(engine: Engine, lab_fleet: LabFleet, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="inspector.engine")

    snapshot = Prefetch(engine.endpoint, 30).snapshot()

    assert snapshot is not None
    assert any(m.startswith(f"collected {len(snapshot.containers)} containers") for m in caplog.messages)


def test_stream_yields_networks_and_containers(engine: Engine, lab_fleet: LabFleet) -> None:
    prefetch = Prefetch(engine.endpoint, 30, stream=True)

    entries = [entry for batch in prefetch.progress() for entry in batch]
    snapshot = prefetch.snapshot()

    assert snapshot is not None
    networks = [payload for kind, payload in entries if kind == "networks"]
    containers = [payload for kind, payload in entries if kind == "container"]
    assert len(networks) == 1
    assert networks[0].info
    assert {n.id for n in networks[0].networks} == {n.id for n in snapshot.networks}
    assert networks[0].containers == []
    # The very models the snapshot contains, so judging them early judges the snapshot.
    assert {id(c) for c in containers} == {id(c) for c in snapshot.containers}


def test_early_judging_matches_full_evaluation(engine: Engine, lab_fleet: LabFleet) -> None:
    from inspector.scan import _read_and_judge

    snapshot, findings = _read_and_judge(_args(), Prefetch(engine.endpoint, 30, stream=True))

    assert findings == evaluate_rules(snapshot)
    assert {f.object_name for f in findings} & set(lab_fleet.containers.values())


def test_failed_stream_ends_without_entries(tmp_path: Path) -> None:
    from inspector.early import judge_containers_while_reading

    prefetch = Prefetch(resolve_endpoint(host=f"unix://{tmp_path / 'absent.sock'}"), 5, stream=True)

    assert list(prefetch.progress()) == [[]]
    assert judge_containers_while_reading(Prefetch(prefetch.endpoint, 5, stream=True)) is None


def test_tui_source_judges_containers_during_read(engine: Engine, lab_fleet: LabFleet) -> None:
    from inspector.tui.source import LiveSource
    from inspector.tui.state import evaluate

    source = LiveSource(prefetch=Prefetch(engine.endpoint, 30, stream=True))
    snapshot = source.load_snapshot()
    judged = source.take_judged_containers()

    assert judged is not None
    assert source.take_judged_containers() is None
    early = evaluate(snapshot, snapshot.collected_at, container_findings=judged)
    assert early.findings == evaluate(snapshot, snapshot.collected_at).findings
    assert early.by_object == evaluate(snapshot, snapshot.collected_at).by_object


def test_tui_header_names_the_read_endpoint(engine: Engine) -> None:
    from inspector.tui.source import LiveSource

    source = LiveSource(prefetch=Prefetch(engine.endpoint, 30))

    # Before the SDK connects, the header names what the early read resolved.
    assert source.engine is None
    assert source.endpoint_label == engine.endpoint.display
