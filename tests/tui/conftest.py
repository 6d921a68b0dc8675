"""Fixtures for TUI tests; the helpers live in tui_helpers.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tui_helpers import FakeLiveSource, capture_data


@pytest.fixture
def fake_live_source() -> Iterator[FakeLiveSource]:
    """A `FakeLiveSource` on the fixture capture."""
    source = FakeLiveSource(capture_data())
    yield source
    source.close()
