"""The detail panel beside a resource table: the highlighted object's attributes and findings."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from inspector.model import ObjectKind, Severity
from inspector.tui.detail_content import DetailStyles, render_detail
from inspector.tui.state import Resource, ScanResult, object_id_of


class DetailPanel(VerticalScroll):
    """Shows one object; `show_object(None, ...)` shows a hint instead."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail--label",
        "detail--heading",
        "severity--critical",
        "severity--high",
        "severity--medium",
        "severity--low",
        "severity--info",
        "severity--none",
    }

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._body = Static(Text("Select a row to see its details."), classes="detail-body")
        self.can_focus = False
        self.shown: tuple[ObjectKind, str] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def _styles(self) -> DetailStyles:
        def severity(value: Severity | None) -> object:
            name = value.value if value else "none"
            return self.get_component_rich_style(f"severity--{name}", partial=True)

        return DetailStyles(
            label=self.get_component_rich_style("detail--label", partial=True),
            heading=self.get_component_rich_style("detail--heading", partial=True),
            severity=severity,  # type: ignore[arg-type]
        )

    def show_object(self, kind: ObjectKind | None, item: Resource | None, result: ScanResult | None) -> None:
        """Render `item` (keeping the scroll position when it is the object already shown)."""
        if kind is None or item is None or result is None:
            self.shown = None
            self._body.update(Text("Select a row to see its details."))
            return
        same = self.shown == (kind, object_id_of(item))
        self._body.update(render_detail(kind, item, result, self._styles()))
        if not same:
            self.scroll_home(animate=False)
        self.shown = (kind, object_id_of(item))

