"""Everything that talks to the Docker engine: connecting, collecting snapshots, events, actions, logs.

This is the only package that imports the Docker SDK.
"""

from inspector.engine.collect import (
    collect_container,
    collect_image,
    collect_network,
    collect_snapshot,
)
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

__all__ = [
    "Endpoint",
    "Engine",
    "InvalidEndpointError",
    "TLSOptions",
    "TLSSettings",
    "collect_container",
    "collect_image",
    "collect_network",
    "collect_snapshot",
    "connect",
    "open_engine",
    "resolve_endpoint",
]
