"""A periodic full refresh keeps the findings of the containers it did not change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from inspector.capture import capture_to_snapshot
from inspector.config import Config, Waiver
from inspector.model import Container, Network, ObjectKind
from inspector.tui.app import InspectorApp
from inspector.tui.state import containers_changed, evaluate, evaluate_containers, evaluate_refresh, replace_object
from tui_helpers import FakeLiveSource, capture_data, container_named, copy_inspect, make_app, wait_for

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def privileged(name: str) -> Container:
    inspect = copy_inspect(container_named(capture_data(), name))
    inspect["HostConfig"]["Privileged"] = True
    return Container.from_inspect(inspect)


def test_refresh_keeps_findings_of_untouched_containers() -> None:
    snapshot = capture_to_snapshot(capture_data())
    before = evaluate(snapshot, NOW)
    web = privileged("dsc-lab-web")
    admin = container_named(capture_data(), "dsc-lab-admin")["Id"]
    # A full refresh builds a new snapshot object, and the collector hands back unchanged containers.
    after_snapshot = replace_object(snapshot, ObjectKind.CONTAINER, web.id, web)

    refreshed = evaluate_refresh(before, after_snapshot, NOW + timedelta(minutes=5))

    full = evaluate(after_snapshot, NOW)
    admin_findings = refreshed.findings_for(ObjectKind.CONTAINER, admin)
    assert admin_findings
    admin_before = before.findings_for(ObjectKind.CONTAINER, admin)
    assert all(new is old for new, old in zip(admin_findings, admin_before, strict=True))
    assert refreshed.findings == full.findings
    assert refreshed.by_object == full.by_object
    assert "CTR-PRIVILEGED" in {f.rule for f in refreshed.findings_for(ObjectKind.CONTAINER, web.id)}


def test_changed_counts_new_and_removed() -> None:
    snapshot = capture_to_snapshot(capture_data())
    web = privileged("dsc-lab-web")
    removed = container_named(capture_data(), "dsc-lab-admin")["Id"]
    with_web = replace_object(snapshot, ObjectKind.CONTAINER, web.id, web)
    after = replace_object(with_web, ObjectKind.CONTAINER, removed, None)

    assert containers_changed(snapshot, after) == {web.id, removed}


def test_rebuilt_container_counts_as_changed() -> None:
    # Only the collector decides that a container is unchanged, by handing back the same object.
    snapshot = capture_to_snapshot(capture_data())
    web = Container.from_inspect(copy_inspect(container_named(capture_data(), "dsc-lab-web")))
    after = replace_object(snapshot, ObjectKind.CONTAINER, web.id, web)

    assert containers_changed(snapshot, after) == {web.id}


def test_new_network_judges_every_container() -> None:
    snapshot = capture_to_snapshot(capture_data())
    inspect = {**snapshot.networks[0].inspect, "Id": "f" * 64, "Name": "dsc-extra", "Containers": {}}
    extra = Network.from_inspect(inspect)
    after = replace_object(snapshot, ObjectKind.NETWORK, extra.id, extra)

    assert containers_changed(snapshot, after) is None


def test_membership_change_judges_members() -> None:
    snapshot = capture_to_snapshot(capture_data())
    bridge = next(n for n in snapshot.networks if n.containers)
    member = next(iter(bridge.containers))
    inspect = {**bridge.inspect, "Containers": {k: v for k, v in bridge.inspect["Containers"].items() if k != member}}
    after = replace_object(snapshot, ObjectKind.NETWORK, bridge.id, Network.from_inspect(inspect))

    assert containers_changed(snapshot, after) == {member}


def test_security_modules_change_judges_all() -> None:
    snapshot = capture_to_snapshot(capture_data())
    info = {**snapshot.host.info, "SecurityOptions": []}
    after = snapshot.model_copy(update={"host": snapshot.host.model_copy(update={"info": info})})

    assert containers_changed(snapshot, after) is None


def test_next_day_judges_kept_findings_again() -> None:
    # A waiver that ends today no longer hides a kept finding tomorrow.
    snapshot = capture_to_snapshot(capture_data())
    web = privileged("dsc-lab-web")
    admin = container_named(capture_data(), "dsc-lab-admin")
    config = Config(waivers=(Waiver("CTR-ROOT-USER", admin["Name"].lstrip("/"), "legacy", NOW.date()),))
    before = evaluate(snapshot, NOW, config)
    tomorrow = NOW + timedelta(days=1)
    after = replace_object(snapshot, ObjectKind.CONTAINER, web.id, web)

    later = evaluate_containers(before, after, {web.id}, tomorrow, config)

    waived_before = {f.rule: f.waived for f in before.findings_for(ObjectKind.CONTAINER, admin["Id"])}
    waived_after = {f.rule: f.waived for f in later.findings_for(ObjectKind.CONTAINER, admin["Id"])}
    assert waived_before["CTR-ROOT-USER"] is True
    assert waived_after["CTR-ROOT-USER"] is False
    assert later.judged_on == date(2026, 1, 16)


def test_same_day_keeps_judgement_day() -> None:
    snapshot = capture_to_snapshot(capture_data())
    web = privileged("dsc-lab-web")
    before = evaluate(snapshot, NOW)
    after = replace_object(snapshot, ObjectKind.CONTAINER, web.id, web)

    later = evaluate_containers(before, after, {web.id}, NOW + timedelta(hours=3))

    assert later.judged_on == NOW.date()


async def test_full_refresh_keeps_finding_objects(fake_live_source: FakeLiveSource) -> None:
    app: InspectorApp = make_app(source=fake_live_source)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        first = app.result
        assert first is not None
        app.feed.refresh_all()
        await wait_for(pilot, lambda: app.result is not first)
        second = app.result
        assert second is not None
        assert second.findings == first.findings
        container_findings = [f for f in first.findings if f.kind is ObjectKind.CONTAINER]
        second_ids = {id(f) for f in second.findings}
        assert container_findings
        assert all(id(f) in second_ids for f in container_findings)
