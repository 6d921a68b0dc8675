"""Engine text made safe for a terminal or a document; see `inspector.text`."""

from inspector.text import clean

__all__ = ["clean"]
