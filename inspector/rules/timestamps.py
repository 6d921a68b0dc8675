"""Engine timestamps (RFC 3339 with up to nanoseconds) as aware datetimes."""

from __future__ import annotations

import re
from datetime import datetime, timezone

# Python's datetime keeps microseconds; the engine sends up to nine fractional digits.
_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_timestamp(value: str | None) -> datetime | None:
    """Return the engine timestamp as an aware UTC datetime, or None if absent or invalid."""
    if not value:
        return None
    text = _FRACTION.sub(r"\1", value.strip())
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def age_in_days(then: datetime, now: datetime) -> int:
    """Return the whole days from `then` to `now`."""
    return (now - then).days
