"""Everything that talks to the Docker engine: connecting, collecting snapshots, events, actions, logs.

This is the only package that imports the Docker SDK. Its names load on first use, so modules
that need no SDK (`raw`, `socket_client`, `endpoint`) can be imported without paying for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector.lazy import lazy_attributes

if TYPE_CHECKING:
    from inspector.engine.collect import collect_container, collect_image, collect_network, collect_snapshot
    from inspector.engine.connection import (
        Endpoint,
        Engine,
        InvalidEndpointError,
        TLSOptions,
        TLSSettings,
        connect,
        open_engine,
        resolve_endpoint,
    )

_MODULE_OF = {
    "collect_container": "collect",
    "collect_image": "collect",
    "collect_network": "collect",
    "collect_snapshot": "collect",
    "Endpoint": "connection",
    "Engine": "connection",
    "InvalidEndpointError": "connection",
    "TLSOptions": "connection",
    "TLSSettings": "connection",
    "connect": "connection",
    "open_engine": "connection",
    "resolve_endpoint": "connection",
}

__all__ = sorted(_MODULE_OF)
__getattr__ = lazy_attributes(__name__, _MODULE_OF)
