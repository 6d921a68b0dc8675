"""Host rules on the engine's `/info`: registries, user namespaces, live restore, plugins, swarm."""

from __future__ import annotations

from inspector.model.fields import as_dict, as_list
from inspector.model.objects import Host
from inspector.rules.registry import ABSENT, EvaluationContext, Violation, check, lookup, security_modules

LOOPBACK_REGISTRY_CIDRS = frozenset({"127.0.0.0/8", "::1/128"})


@check("HOST-INSECURE-REGISTRY")
def check_insecure_registry(host: Host, context: EvaluationContext) -> Violation | None:
    """Flag insecure registry CIDRs beyond loopback and registries marked not secure."""
    registry = lookup(host.info, "RegistryConfig")
    if not isinstance(registry, dict):
        return None
    cidrs = [str(c) for c in as_list(registry.get("InsecureRegistryCIDRs")) if str(c) not in LOOPBACK_REGISTRY_CIDRS]
    names = [str(name) for name, index in as_dict(registry.get("IndexConfigs")).items() if as_dict(index).get("Secure") is False]
    if not cidrs and not names:
        return None
    parts = []
    if cidrs:
        parts.append("RegistryConfig.InsecureRegistryCIDRs: " + ", ".join(cidrs))
    if names:
        parts.append("RegistryConfig.IndexConfigs Secure=false: " + ", ".join(names))
    return Violation(f"the engine pulls from {', '.join(cidrs + names)} without TLS verification", "; ".join(parts))


@check("HOST-USERNS-OFF", linux_only=True)
def check_userns_off(host: Host, context: EvaluationContext) -> Violation | None:
    """Flag an engine running neither with user-namespace remapping nor rootless."""
    if not isinstance(host.info.get("SecurityOptions"), list):
        return None
    if {"userns", "rootless"} & security_modules(host.info):
        return None
    return Violation("root in a container is root on the host", "SecurityOptions has neither name=userns nor name=rootless")


@check("HOST-LIVE-RESTORE-OFF", linux_only=True)
def check_live_restore_off(host: Host, context: EvaluationContext) -> Violation | None:
    """Flag live restore off on an engine outside a swarm (swarm mode does not support it)."""
    if host.info.get("LiveRestoreEnabled") is not False or host.swarm_state == "active":
        return None
    return Violation("restarting the engine stops every container", "LiveRestoreEnabled=false, swarm inactive")


@check("HOST-NO-AUTHZ-PLUGIN")
def check_no_authz_plugin(host: Host, context: EvaluationContext) -> Violation | None:
    """Flag an engine with no authorization plugin."""
    plugins = lookup(host.info, "Plugins")
    if not isinstance(plugins, dict) or as_list(plugins.get("Authorization")):
        return None
    return Violation("every API client may do everything", "Plugins.Authorization is empty")


@check("HOST-SECCOMP-OFF", linux_only=True)
def check_seccomp_off(host: Host, context: EvaluationContext) -> Violation | None:
    """Flag an engine without seccomp support."""
    if not isinstance(host.info.get("SecurityOptions"), list) or "seccomp" in security_modules(host.info):
        return None
    return Violation("containers get no system-call filter", "SecurityOptions has no name=seccomp")


@check("HOST-EXPERIMENTAL")
def check_experimental(host: Host, context: EvaluationContext) -> Violation | None:
    """Flag experimental features."""
    if host.info.get("ExperimentalBuild") is not True:
        return None
    return Violation("the engine runs with experimental features", "ExperimentalBuild=true")


@check("HOST-SWARM-AUTOLOCK-OFF")
def check_swarm_autolock_off(host: Host, context: EvaluationContext) -> Violation | None:
    """Flag an active swarm manager whose autolock is off."""
    if host.swarm_state != "active" or not host.swarm_manager:
        return None
    autolock = lookup(host.info, "Swarm", "Cluster", "Spec", "EncryptionConfig", "AutoLockManagers")
    if autolock is ABSENT or autolock is None or autolock is True:
        return None
    return Violation("the swarm's encryption keys are stored unlocked on the manager", "Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers=false")
