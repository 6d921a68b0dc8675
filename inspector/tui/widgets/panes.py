"""The tabbed panes of the main screen."""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane


class Panes(TabbedContent):
    """Tabbed panes that switch on keys and tab clicks only, never because focus moved.

    TabbedContent shows the pane of any widget that gets focus. The message saying so is handled
    later, after a key the user pressed meanwhile: the overview table focused at start-up would
    switch back from the pane the user picked. The app only ever focuses the table of the pane it
    shows, so no focus message needs to switch panes.
    """

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        event.prevent_default()
        event.stop()
