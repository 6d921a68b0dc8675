"""Classification of secret-like keys and secret-bearing values.

A key is split on `_`, `-` and `.` after upper-casing. Words that name a secret make it
secret-like; words that name metadata about a secret (a file path, an id, a URL) or public
material clear it, so `DB_PASSWORD_FILE`, `GPG_KEY_ID` and `TOKEN_URL` are not secret-like.
"""

from __future__ import annotations

import re

REDACTED = "<redacted>"
URL_PASSWORD_MASK = "***"

_SECRET_PARTS = frozenset(
    {"PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"}
)
_CLEARING_PARTS = frozenset({"PUBLIC", "GPG", "FINGERPRINT"})
_METADATA_LAST_PARTS = frozenset(
    {
        "ID", "NAME", "USER", "USERNAME", "FILE", "PATH", "DIR", "URL", "URI",
        "HOST", "PORT", "TYPE", "MODE", "LENGTH", "TTL",
    }
)
_KEY_SEPARATORS = re.compile(r"[_.\-]")

# scheme://user:password@host; the password is group 2. The user part may be empty (`redis://:pw@h`).
_URL_WITH_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)([^\s@/]+)(@)")


def is_secret_key(key: str) -> bool:
    """Return whether an env or build-arg key names a secret value."""
    normalized = key.strip().upper()
    parts = [part for part in _KEY_SEPARATORS.split(normalized) if part]
    if not parts:
        return False
    if _CLEARING_PARTS.intersection(parts) or parts[-1] in _METADATA_LAST_PARTS:
        return False
    if _SECRET_PARTS.intersection(parts):
        return True
    if parts[-1] == "KEY":
        return True
    return "PWD" in parts and normalized != "PWD"


def has_url_password(value: str) -> bool:
    """Return whether `value` contains a URL with a password in its user-info part."""
    return _URL_WITH_PASSWORD.search(value) is not None


def mask_url_passwords(value: str) -> str:
    """Return `value` with every URL password replaced by `***`."""
    return _URL_WITH_PASSWORD.sub(lambda m: m.group(1) + URL_PASSWORD_MASK + m.group(3), value)


def is_secret_bearing(key: str, value: str) -> bool:
    """Return whether an env entry carries a secret: a secret-like key with a value, or a URL password."""
    if not value:
        return False
    return is_secret_key(key) or has_url_password(value)


def redact_env_entry(entry: str) -> str:
    """Return a `KEY=VALUE` env entry with a secret value replaced; empty values stay empty."""
    key, separator, value = entry.partition("=")
    if not separator or not value:
        return entry
    if is_secret_key(key):
        return f"{key}={REDACTED}"
    return f"{key}={mask_url_passwords(value)}"
