"""The detail panel beside a resource table: the highlighted object's attributes and findings."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from inspector.model import Finding, ObjectKind
from inspector.tui.detail_content import DetailStyles, render_detail
from inspector.tui.state import Resource, ScanResult, object_id_of
from inspector.tui.widgets.severity_styles import SEVERITY_CLASSES, severity_style

HINT = "Select a row to see its details."


class DetailPanel(VerticalScroll):
    """Shows one object; `show_object(None, ...)` shows a hint instead."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail--label", "detail--heading", *SEVERITY_CLASSES}

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._body = Static(Text(HINT), classes="detail-body")
        self.can_focus = False
        self.shown_object: tuple[ObjectKind, str] | None = None
        self._shown_item: Resource | None = None
        self._shown_findings: tuple[Finding, ...] = ()
        self._content: RenderableType | None = None
        self._rendered_width = 0

    def compose(self) -> ComposeResult:
        yield self._body

    def _styles(self) -> DetailStyles:
        return DetailStyles(
            label=self.get_component_rich_style("detail--label", partial=True),
            heading=self.get_component_rich_style("detail--heading", partial=True),
            severity=partial(severity_style, self),
        )

    def show_object(self, kind: ObjectKind | None, item: Resource | None, result: ScanResult | None) -> None:
        """Render `item`, keeping the scroll position when it is the object already shown."""
        if kind is None or item is None or result is None:
            self.shown_object = None
            self._shown_item = None
            self._content = None
            self._body.update(Text(HINT))
            return
        key = (kind, object_id_of(item))
        findings = result.findings_for(kind, key[1])
        # Refreshes replace only changed objects, so the same model and equal findings mean the
        # panel would render the same text.
        if key == self.shown_object and item is self._shown_item and findings == self._shown_findings:
            return
        if key != self.shown_object:
            self.scroll_home(animate=False)
        self.shown_object = key
        self._shown_item = item
        self._shown_findings = findings
        self._content = render_detail(kind, item, result, self._styles())
        self._render_lines()

    def _render_lines(self) -> None:
        # Rich tables are costly to lay out on every frame, so the content is rendered once per
        # change of object or width into plain styled lines.
        if self._content is None:
            return
        width = max(self.scrollable_content_region.width, 20)
        self._rendered_width = width
        console = self.app.console
        options = console.options.update(width=width, height=None)
        lines = console.render_lines(self._content, options, pad=False)
        text = Text("\n").join(Text.assemble(*((s.text, s.style) for s in line if not s.control)) for line in lines)
        text.no_wrap = True
        self._body.update(text)

    def on_resize(self) -> None:
        if self._content is not None and self.scrollable_content_region.width != self._rendered_width:
            self._render_lines()
