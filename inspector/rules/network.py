"""Network rules: inter-container traffic on the default bridge, overlay encryption, mixed exposure."""

from __future__ import annotations

from inspector.model.objects import Network
from inspector.rules.container_network import attached_network_names, ports_on_all_interfaces
from inspector.rules.registry import EvaluationContext, Violation, check

ICC_OPTION = "com.docker.network.bridge.enable_icc"
DEFAULT_BRIDGE_OPTION = "com.docker.network.bridge.default_bridge"


def is_default_bridge(network: Network) -> bool:
    """Return whether this is the engine's default `bridge` network."""
    if network.options.get(DEFAULT_BRIDGE_OPTION, "").lower() == "true":
        return True
    return network.name == "bridge" and network.driver == "bridge"


@check("NET-ICC-ENABLED", linux_only=True)
def check_icc_enabled(network: Network, context: EvaluationContext) -> Violation | None:
    """Flag the default bridge unless inter-container communication is off."""
    if not is_default_bridge(network):
        return None
    value = network.options.get(ICC_OPTION)
    if value is not None and value.strip().lower() == "false":
        return None
    shown = f"{ICC_OPTION}={value}" if value is not None else f"{ICC_OPTION} is not set"
    return Violation("every container on the default bridge can reach every other one", f"Options: {shown}")


@check("NET-OVERLAY-UNENCRYPTED")
def check_overlay_unencrypted(network: Network, context: EvaluationContext) -> Violation | None:
    """Flag an overlay network other than the swarm's ingress without the `encrypted` option."""
    if network.driver != "overlay" or network.name == "ingress" or network.inspect.get("Ingress") is True:
        return None
    if "encrypted" in network.options:
        return None
    return Violation("traffic between nodes on this overlay network is not encrypted", "Driver=overlay, Options has no encrypted")


@check("NET-MIXED-EXPOSURE")
def check_mixed_exposure(network: Network, context: EvaluationContext) -> Violation | None:
    """Flag an internal network with a member that publishes ports on all interfaces."""
    if not network.internal:
        return None
    members = []
    for container in context.snapshot.containers:
        if network.name not in (attached_network_names(container, context) or set()):
            continue
        _, exposed = ports_on_all_interfaces(container)
        if exposed:
            members.append(f"{container.name} ({', '.join(binding.describe() for binding in exposed)})")
    if not members:
        return None
    return Violation(
        f"{len(members)} member(s) of this internal network publish ports on all interfaces",
        "Internal=true; " + "; ".join(members),
    )
