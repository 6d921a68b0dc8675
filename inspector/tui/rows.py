"""Table columns and row cells for each pane, built from a scan result."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from inspector.model import Finding, ObjectKind, Severity
from inspector.tui import attributes
from inspector.tui.state import ScanResult, worst_severity
from inspector.tui.text import SortableText, clean

SeverityStyle = Callable[[Severity | None], Style]


@dataclass(frozen=True)
class Row:
    """One table row: the object it shows, its cells, and the text the filter matches against."""

    key: str
    kind: ObjectKind
    object_id: str
    cells: tuple[Text, ...]
    search_text: str
    severity_rank: int
    finding_count: int
    name: str
    # The rules of the row's findings, which a checklist item's filter matches against.
    rules: frozenset[str] = frozenset()

    def signature(self) -> tuple[tuple[str, str], ...]:
        """Return what a diff compares: each cell's text and style."""
        return tuple((cell.plain, str(cell.style)) for cell in self.cells)


COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "containers": (("severity", "Severity"), ("name", "Name"), ("image", "Image"), ("state", "State"),
                   ("ports", "Ports"), ("networks", "Networks")),
    "images": (("severity", "Severity"), ("name", "Image"), ("id", "ID"), ("size", "Size"), ("created", "Created"),
               ("used", "Used by")),
    "networks": (("severity", "Severity"), ("name", "Network"), ("driver", "Driver"), ("internal", "Internal"),
                 ("attached", "Containers"), ("published", "Published by attached containers")),
    "secrets": (("severity", "Severity"), ("name", "Secret"), ("created", "Created"), ("updated", "Updated"),
                ("services", "Used by services")),
    "findings": (("severity", "Severity"), ("rule", "Rule"), ("kind", "Kind"), ("object", "Object"),
                 ("message", "Message")),
}


def _severity_cell(findings: tuple[Finding, ...], style_for: SeverityStyle) -> SortableText:
    worst = worst_severity(findings)
    active = sum(1 for f in findings if not f.waived)
    label = f"{worst.value} ({active})" if worst else "ok"
    rank = worst.rank if worst else -1
    return SortableText(label, sort_value=(rank, active), style=style_for(worst))


def _search_text(parts: list[object], terms: list[str]) -> str:
    # Engine text is cleaned; rule ids and severity names are the catalogue's own words.
    return " ".join([*(clean(part) for part in parts), *terms]).casefold()


def _finding_terms(findings: tuple[Finding, ...]) -> list[str]:
    return [term for f in findings for term in (f.rule, f.severity.value)]


def _row(kind: ObjectKind, object_id: str, name: str, findings: tuple[Finding, ...], cells: list[Text],
         search: list[object], key: str | None = None) -> Row:
    worst = worst_severity(findings)
    return Row(
        key=key or object_id,
        kind=kind,
        object_id=object_id,
        cells=tuple(cells),
        search_text=_search_text(search, _finding_terms(findings)),
        severity_rank=worst.rank if worst else -1,
        finding_count=sum(1 for f in findings if not f.waived),
        name=clean(name),
        rules=frozenset(f.rule for f in findings),
    )


class RowCache:
    """Rows of the previous build, reused while their object and findings are the very same objects.

    After a change to one container the TUI keeps every other container, and its findings, as the
    same objects, so only the rows of what changed are built again.
    """

    def __init__(self) -> None:
        self._previous: dict[str, tuple[object, tuple[Finding, ...], Row]] = {}
        self._current: dict[str, tuple[object, tuple[Finding, ...], Row]] = {}

    def start_build(self) -> None:
        """Begin a build: rows not reused or stored by its end are dropped."""
        self._previous, self._current = self._current, {}

    def clear(self) -> None:
        """Forget every row (the severity styles changed)."""
        self._previous, self._current = {}, {}

    def reuse(self, key: str, item: object, findings: tuple[Finding, ...]) -> Row | None:
        """Return the row built before for `key` if `item` is the same object and `findings` are equal."""
        entry = self._previous.get(key)
        # Tuple equality compares items by identity first, so the usual case (the very same
        # findings) costs no model comparison. Equal findings build the same row anyway.
        if entry is None or entry[0] is not item or entry[1] != findings:
            return None
        self._current[key] = entry
        return entry[2]

    def store(self, key: str, item: object, findings: tuple[Finding, ...], row: Row) -> Row:
        """Keep `row` for the next build and return it."""
        self._current[key] = (item, findings, row)
        return row


# Widest a name cell may be, so one long name (a swarm task's, say) cannot push State and Ports,
# or the Message, off the table at 80 or 120 columns. The full name stays in the detail panel.
NAME_WIDTH = 24
IMAGE_WIDTH = 20
OBJECT_WIDTH = 28


def _text(value: object) -> Text:
    return Text(clean(value), no_wrap=True, overflow="ellipsis")


def middle_ellipsis(text: str, width: int) -> str:
    """Return `text` cut to `width` characters by an ellipsis in the middle, keeping both ends."""
    if len(text) <= width:
        return text
    # Names differ at either end (service and slot first, replica number or task id last).
    head = width // 2
    tail = width - 1 - head
    return f"{text[:head]}\u2026{text[len(text) - tail:]}" if tail else f"{text[:head]}\u2026"


def _name_text(value: object, width: int) -> Text:
    return _text(middle_ellipsis(clean(value), width))


def container_rows(result: ScanResult, style_for: SeverityStyle, cache: RowCache | None = None) -> Iterator[Row]:
    """Yield one row per container, taking unchanged ones from `cache`."""
    for container in result.snapshot.containers:
        findings = result.findings_for(ObjectKind.CONTAINER, container.id)
        cached = cache.reuse(container.id, container, findings) if cache is not None else None
        if cached is not None:
            yield cached
            continue
        ports = ", ".join(str(p) for p in attributes.published_ports(container)) or "-"
        networks = ", ".join(attributes.network_names(container)) or "-"
        cells = [_severity_cell(findings, style_for), _name_text(container.name, NAME_WIDTH),
                 _name_text(container.image, IMAGE_WIDTH),
                 _text(container.state), _text(ports), _text(networks)]
        row = _row(ObjectKind.CONTAINER, container.id, container.name, findings, cells,
                   [container.name, container.image, container.state, container.short_id])
        yield cache.store(container.id, container, findings, row) if cache is not None else row


def _image_users(result: ScanResult) -> dict[str, int]:
    users: dict[str, int] = {}
    for container in result.snapshot.containers:
        users[container.image_id] = users.get(container.image_id, 0) + 1
    return users


def image_rows(result: ScanResult, style_for: SeverityStyle) -> Iterator[Row]:
    """Yield one row per image."""
    users = _image_users(result)
    for image in result.snapshot.images:
        findings = result.findings_for(ObjectKind.IMAGE, image.id)
        count = users.get(image.id, 0)
        cells = [_severity_cell(findings, style_for), _text(image.name), _text(image.short_id),
                 _text(attributes.human_size(image.size)), _text(attributes.short_date(image.created)),
                 _text(f"{count} container{'s' if count != 1 else ''}")]
        yield _row(ObjectKind.IMAGE, image.id, image.name, findings, cells, [image.name, *image.tags, image.short_id])


def network_rows(result: ScanResult, style_for: SeverityStyle) -> Iterator[Row]:
    """Yield one row per network with what its attached containers publish."""
    for network in result.snapshot.networks:
        findings = result.findings_for(ObjectKind.NETWORK, network.id)
        attached = attributes.containers_on_network(result.snapshot, network.id)
        published = [
            f"{container.name} {port}" for container in attached for port in attributes.published_ports(container)
        ]
        cells = [_severity_cell(findings, style_for), _text(network.name), _text(network.driver),
                 _text("yes" if network.internal else "no"), _text(str(len(attached))),
                 _text(", ".join(published) or "-")]
        yield _row(ObjectKind.NETWORK, network.id, network.name, findings, cells,
                   [network.name, network.driver, *(c.name for c in attached)])


def secret_rows(result: ScanResult, style_for: SeverityStyle) -> Iterator[Row]:
    """Yield one row per swarm secret."""
    for secret in result.snapshot.secrets:
        findings = result.findings_for(ObjectKind.SECRET, secret.id)
        services = attributes.services_using_secret(result.snapshot, secret.id)
        cells = [_severity_cell(findings, style_for), _text(secret.name),
                 _text(attributes.short_date(secret.created_at)), _text(attributes.short_date(secret.updated_at)),
                 _text(", ".join(services) or "none")]
        yield _row(ObjectKind.SECRET, secret.id, secret.name, findings, cells, [secret.name, *services])


def finding_key(finding: Finding) -> str:
    """Return a row key that is unique per finding."""
    return f"{finding.rule}|{finding.kind.value}|{finding.object_id}"


def finding_rows(result: ScanResult, style_for: SeverityStyle, cache: RowCache | None = None) -> Iterator[Row]:
    """Yield one row per finding, taking unchanged ones from `cache`; waived findings say so."""
    for finding in result.findings:
        key = finding_key(finding)
        cached = cache.reuse(key, finding, ()) if cache is not None else None
        if cached is not None:
            yield cached
            continue
        severity = None if finding.waived else finding.severity
        label = f"{finding.severity.value} (waived)" if finding.waived else finding.severity.value
        cells = [SortableText(label, sort_value=(finding.severity.rank if not finding.waived else -1, 1),
                              style=style_for(severity)),
                 _text(finding.rule), _text(finding.kind.value),
                 _name_text(finding.object_name, OBJECT_WIDTH), _text(finding.message)]
        row = _row(finding.kind, finding.object_id, finding.object_name, (finding,), cells,
                   [finding.rule, finding.severity.value, finding.object_name, finding.kind.value, finding.message],
                   key=key)
        yield cache.store(key, finding, (), row) if cache is not None else row


ROW_BUILDERS: dict[str, Callable[[ScanResult, SeverityStyle], Iterator[Row]]] = {
    "containers": container_rows,
    "images": image_rows,
    "networks": network_rows,
    "secrets": secret_rows,
    "findings": finding_rows,
}

# Builders whose rows depend on their own object and findings only, so a RowCache can serve them.
CACHED_ROW_BUILDERS: dict[str, Callable[[ScanResult, SeverityStyle, RowCache], Iterator[Row]]] = {
    "containers": container_rows,
    "findings": finding_rows,
}

KIND_OF_PANE = {
    "containers": ObjectKind.CONTAINER,
    "images": ObjectKind.IMAGE,
    "networks": ObjectKind.NETWORK,
    "secrets": ObjectKind.SECRET,
}
