"""Updates that rebuild only what changed: container-only re-evaluation and row reuse."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from inspector.capture import capture_to_snapshot
from inspector.model import Container, ObjectKind
from inspector.tui.rows import RowCache, container_rows
from inspector.tui.state import evaluate, evaluate_containers, replace_object
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
