"""Files the TUI ships with: its stylesheets and the demo capture, in a source tree or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
STYLESHEETS = ("app.tcss", "panes.tcss", "screens.tcss")


def styles_dir() -> Path:
    """Return the stylesheet folder: `inspector/styles` in a wheel, else `styles/` at the source root."""
    installed = _PACKAGE / "styles"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "styles"


def stylesheet_paths() -> list[str | Path]:
    """Return the stylesheets the app loads, in order."""
    folder = styles_dir()
    return [folder / name for name in STYLESHEETS]


def demo_capture_path() -> Path:
    """Return the demo capture bundled in the package."""
    return _PACKAGE / "data" / "demo-capture.json"
