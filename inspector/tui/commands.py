"""The command palette (`ctrl+p`): the same commands as the key bindings, found by name."""

from __future__ import annotations

from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


def palette_commands(app: App[object]) -> list[tuple[str, str, str]]:
    """Return (title, key, action) for every app binding with a description."""
    commands = []
    for binding in app.BINDINGS:
        if isinstance(binding, Binding) and binding.description and binding.action != "back":
            title = binding.tooltip or binding.description
            commands.append((title, app.get_key_display(binding), binding.action))
    return commands


class InspectorCommands(Provider):
    """Pane switching, filter, sort, help, refresh and container actions."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return palette_commands(self.app)

    async def discover(self) -> Hits:
        for title, key, action in self._commands():
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=f"key: {key}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, key, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.run_action, action), help=f"key: {key}")
