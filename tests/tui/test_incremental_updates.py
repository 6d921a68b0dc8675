"""Updates that rebuild only what changed: container-only re-evaluation and row reuse."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from inspector.capture import capture_to_snapshot
from inspector.model import Container, Network, ObjectKind
from inspector.tui.feed import SourceFeed
from inspector.tui.rows import RowCache, container_rows
from inspector.tui.state import containers_to_evaluate, evaluate, evaluate_containers, replace_object
from inspector.tui.widgets.detail import DetailPanel
from inspector.tui.widgets.resource_pane import ResourcePane
from tui_helpers import FakeLiveSource, capture_data, container_named, copy_inspect, make_app, wait_for

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def no_style(severity: Any) -> str:
    return ""


def risky_web() -> dict[str, Any]:
    inspect = copy_inspect(container_named(capture_data(), "dsc-lab-web"))
    inspect["HostConfig"]["Privileged"] = True
    inspect["State"]["Status"] = "exited"
    return inspect


def test_container_change_matches_full_evaluation() -> None:
    snapshot = capture_to_snapshot(capture_data())
    before = evaluate(snapshot, NOW)
    changed = Container.from_inspect(risky_web())
    after_snapshot = replace_object(snapshot, ObjectKind.CONTAINER, changed.id, changed)

    incremental = evaluate_containers(before, after_snapshot, {changed.id}, NOW)

    full = evaluate(after_snapshot, NOW)
    assert incremental.findings == full.findings
    assert incremental.by_object == full.by_object
    assert "CTR-PRIVILEGED" in {f.rule for f in incremental.findings_for(ObjectKind.CONTAINER, changed.id)}


def network_without(snapshot: Any, network_name: str, container_id: str) -> Network:
    network = next(n for n in snapshot.networks if n.name == network_name)
    inspect = dict(network.inspect)
    inspect["Containers"] = {key: value for key, value in inspect["Containers"].items() if key != container_id}
    return Network.from_inspect(inspect)


def snapshot_with_undeclared_postgres() -> Any:
    # Without `NetworkSettings.Networks`, only the networks' member lists attach the container.
    inspect = copy_inspect(container_named(capture_data(), "dsc-lab-postgres"))
    del inspect["NetworkSettings"]["Networks"]
    postgres = Container.from_inspect(inspect)
    snapshot = capture_to_snapshot(capture_data())
    return replace_object(snapshot, ObjectKind.CONTAINER, postgres.id, postgres), postgres.id


def test_network_membership_change_matches_full_evaluation() -> None:
    snapshot, postgres = snapshot_with_undeclared_postgres()
    before = evaluate(snapshot, NOW)
    bridge = network_without(snapshot, "bridge", postgres)
    after_snapshot = replace_object(snapshot, ObjectKind.NETWORK, bridge.id, bridge)

    affected = containers_to_evaluate(snapshot, after_snapshot, [(ObjectKind.NETWORK, bridge.id)])
    incremental = evaluate_containers(before, after_snapshot, affected or set(), NOW)

    full = evaluate(after_snapshot, NOW)
    assert affected == {postgres}
    assert incremental.findings == full.findings
    assert "CTR-DEFAULT-BRIDGE" in {f.rule for f in before.findings_for(ObjectKind.CONTAINER, postgres)}
    assert "CTR-DEFAULT-BRIDGE" not in {f.rule for f in full.findings_for(ObjectKind.CONTAINER, postgres)}


def test_image_change_evaluates_everything() -> None:
    snapshot = capture_to_snapshot(capture_data())
    image = snapshot.images[0]

    assert containers_to_evaluate(snapshot, snapshot, [(ObjectKind.IMAGE, image.id)]) is None


def test_network_field_change_evaluates_everything() -> None:
    snapshot = capture_to_snapshot(capture_data())
    network = next(n for n in snapshot.networks if n.name == "dsc-lab-frontend")
    inspect = {**network.inspect, "Internal": not network.internal}
    changed = Network.from_inspect(inspect)
    after_snapshot = replace_object(snapshot, ObjectKind.NETWORK, changed.id, changed)

    assert containers_to_evaluate(snapshot, after_snapshot, [(ObjectKind.NETWORK, changed.id)]) is None


def test_removed_container_loses_findings() -> None:
    snapshot = capture_to_snapshot(capture_data())
    before = evaluate(snapshot, NOW)
    gone = container_named(capture_data(), "dsc-lab-admin")["Id"]
    after_snapshot = replace_object(snapshot, ObjectKind.CONTAINER, gone, None)

    incremental = evaluate_containers(before, after_snapshot, {gone}, NOW)

    assert incremental.findings_for(ObjectKind.CONTAINER, gone) == ()
    assert incremental.findings == evaluate(after_snapshot, NOW).findings


def test_unchanged_containers_keep_findings() -> None:
    snapshot = capture_to_snapshot(capture_data())
    before = evaluate(snapshot, NOW)
    changed = Container.from_inspect(risky_web())
    other = container_named(capture_data(), "dsc-lab-admin")["Id"]

    incremental = evaluate_containers(
        before, replace_object(snapshot, ObjectKind.CONTAINER, changed.id, changed), {changed.id}, NOW
    )

    kept = incremental.findings_for(ObjectKind.CONTAINER, other)
    assert kept
    assert all(new is old for new, old in zip(kept, before.findings_for(ObjectKind.CONTAINER, other), strict=True))


def test_row_cache_reuses_unchanged_rows() -> None:
    snapshot = capture_to_snapshot(capture_data())
    before = evaluate(snapshot, NOW)
    changed = Container.from_inspect(risky_web())
    after = evaluate_containers(
        before, replace_object(snapshot, ObjectKind.CONTAINER, changed.id, changed), {changed.id}, NOW
    )
    cache = RowCache()
    cache.start_build()
    first = {row.key: row for row in container_rows(before, no_style, cache)}

    cache.start_build()
    second = {row.key: row for row in container_rows(after, no_style, cache)}

    assert second[changed.id] is not first[changed.id]
    assert second[changed.id].cells[3].plain == "exited"
    assert all(second[key] is first[key] for key in first if key != changed.id)


def test_row_cache_drops_unused_rows() -> None:
    snapshot = capture_to_snapshot(capture_data())
    result = evaluate(snapshot, NOW)
    gone = snapshot.containers[0]
    cache = RowCache()
    cache.start_build()
    list(container_rows(result, no_style, cache))
    findings = result.findings_for(ObjectKind.CONTAINER, gone.id)

    cache.start_build()
    list(container_rows(evaluate(replace_object(snapshot, ObjectKind.CONTAINER, gone.id, None), NOW), no_style, cache))
    cache.start_build()

    assert cache.reuse(gone.id, gone, findings) is None


async def test_shown_pane_gets_latest_rows(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        inspect = risky_web()
        fake_live_source.replace_container(inspect)
        fake_live_source.stream.events.put(
            {"Type": "container", "Action": "die", "Actor": {"ID": inspect["Id"], "Attributes": {}}, "time": 1}
        )
        pane = app.query_one("#containers-pane", ResourcePane)
        await wait_for(pilot, lambda: pane.table.shown_rows[inspect["Id"]].cells[3].plain == "exited")
        await pilot.press("6")
        await pilot.pause()

        findings = app.query_one("#findings-pane", ResourcePane)
        rules = {row.cells[1].plain for row in findings.table.shown_rows.values() if row.object_id == inspect["Id"]}
        assert "CTR-PRIVILEGED" in rules
        assert app.result.findings == evaluate(fake_live_source.snapshot, app.clock()).findings


async def test_detail_fits_width_with_scrollbar() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        await pilot.pause()
        detail = app.query_one("#containers-detail", DetailPanel)

        assert detail.show_vertical_scrollbar
        assert detail._rendered_width == detail.scrollable_content_region.width


def test_batch_reads_containers_last() -> None:
    feed = SourceFeed(FakeLiveSource(capture_data()), lambda: NOW)
    feed._requeue([(ObjectKind.CONTAINER, "c1"), (ObjectKind.NETWORK, "n1"), (ObjectKind.CONTAINER, "c2"),
                   (ObjectKind.IMAGE, "i1")])

    batch = feed._take_pending()

    assert batch == [(ObjectKind.NETWORK, "n1"), (ObjectKind.IMAGE, "i1"), (ObjectKind.CONTAINER, "c1"),
                     (ObjectKind.CONTAINER, "c2")]
    assert feed._take_pending() == []
