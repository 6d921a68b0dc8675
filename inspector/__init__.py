"""dsc-tui: a terminal UI and scanner that checks Docker hosts against a security checklist."""

__version__ = "0.1.0"
