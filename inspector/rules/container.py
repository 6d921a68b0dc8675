"""Container rules on privileges, mounts, security options, namespaces and resource limits."""

from __future__ import annotations

from typing import Any

from inspector.model.fields import as_dict, as_list
from inspector.model.findings import Severity
from inspector.model.objects import Container
from inspector.rules.registry import ABSENT, EvaluationContext, Violation, check, lookup
from inspector.rules.semantics import capability_name, is_root_user

# Docker's default capability set (moby oci/caps/defaults.go).
DEFAULT_CAPABILITIES = frozenset(
    {
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    }
)
DANGEROUS_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "DAC_READ_SEARCH", "NET_ADMIN", "SYS_RAWIO", "BPF"}
)
SENSITIVE_DIRECTORIES = frozenset({"/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"})
# Mounting any of these brings the engine's socket into the container.
SOCKET_DIRECTORIES = frozenset({"/var/run", "/run", "/"})


def host_config(container: Container) -> dict[str, Any] | None:
    """Return the container's HostConfig, or None where the engine omitted it."""
    value = container.inspect.get("HostConfig")
    return value if isinstance(value, dict) else None


def host_setting(container: Container, key: str) -> Any:
    """Return `HostConfig.<key>` (None for null), or ABSENT when it or HostConfig is missing."""
    return lookup(container.inspect, "HostConfig", key)


def mounts(container: Container) -> list[dict[str, Any]]:
    """Return the container's `Mounts` entries (empty where the engine omitted them)."""
    return [m for m in as_list(container.inspect.get("Mounts")) if isinstance(m, dict)]


def _directory(path: Any) -> str:
    text = str(path or "")
    return text.rstrip("/") or ("/" if text.startswith("/") else "")


def _capabilities(container: Container, key: str) -> list[str] | None:
    """Return `HostConfig.CapAdd`/`CapDrop` normalised; Docker writes null for "none", so null is empty."""
    if host_config(container) is None:
        return None
    return [capability_name(str(c)) for c in as_list(host_setting(container, key))]


def _security_options(container: Container) -> list[str] | None:
    """Return `HostConfig.SecurityOpt` lower-cased; Docker writes null for "none", so null is empty."""
    if host_config(container) is None:
        return None
    return [str(option).strip().lower() for option in as_list(host_setting(container, "SecurityOpt"))]


def _namespace_mode(container: Container, key: str, flag: str) -> Violation | None:
    if host_setting(container, key) != "host":
        return None
    return Violation(f"the container shares the host's namespace ({flag} host)", f"HostConfig.{key}=host")


@check("CTR-PRIVILEGED", linux_only=True)
def check_privileged(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `HostConfig.Privileged`."""
    if host_setting(container, "Privileged") is not True:
        return None
    return Violation("the container runs with every capability and access to all host devices", "HostConfig.Privileged=true")


@check("CTR-DOCKER-SOCKET")
def check_docker_socket(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a mount of the engine socket or of a directory that contains it."""
    offending = []
    for mount in mounts(container):
        source, destination = str(mount.get("Source") or ""), str(mount.get("Destination") or "")
        if source.endswith("docker.sock") or destination.endswith("docker.sock") or _directory(source) in SOCKET_DIRECTORIES:
            offending.append(f"{source or '(none)'} -> {destination}")
    if not offending:
        return None
    return Violation("the Docker socket is reachable from inside the container", "Mounts: " + ", ".join(offending))


@check("CTR-SENSITIVE-MOUNT")
def check_sensitive_mount(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a writable bind mount of a host system directory; critical when it is `/`."""
    offending = [
        mount
        for mount in mounts(container)
        if mount.get("Type") == "bind" and mount.get("RW") is True and _directory(mount.get("Source")) in SENSITIVE_DIRECTORIES
    ]
    if not offending:
        return None
    sources = [_directory(m.get("Source")) for m in offending]
    evidence = "Mounts: " + ", ".join(f"{_directory(m.get('Source'))} -> {m.get('Destination')} (RW=true)" for m in offending)
    severity = Severity.CRITICAL if "/" in sources else None
    return Violation(f"host directory {', '.join(sources)} is mounted writable", evidence, severity)


@check("CTR-ROOT-USER")
def check_root_user(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container whose `Config.User` is root."""
    user = lookup(container.inspect, "Config", "User")
    if not isinstance(user, str) or not is_root_user(user):
        return None
    return Violation("the container's process runs as root", f"Config.User={user!r}" if user else "Config.User is empty (root)")


@check("CTR-CAP-DROP", linux_only=True)
def check_cap_drop(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container that does not drop all capabilities."""
    dropped = _capabilities(container, "CapDrop")
    if dropped is None or "ALL" in dropped:
        return None
    shown = ",".join(dropped) if dropped else "none"
    return Violation("the container keeps Docker's default capabilities", f"HostConfig.CapDrop={shown} (no ALL)")


@check("CTR-CAP-ADD", linux_only=True)
def check_cap_add(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag added capabilities outside Docker's default set."""
    added = _capabilities(container, "CapAdd")
    extra = sorted({cap for cap in added or [] if cap not in DEFAULT_CAPABILITIES})
    if not extra:
        return None
    return Violation(f"the container adds {', '.join(extra)}", "HostConfig.CapAdd includes " + ",".join(extra))


@check("CTR-CAP-DANGEROUS", linux_only=True)
def check_cap_dangerous(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag added capabilities that allow an escape or control of the host."""
    added = _capabilities(container, "CapAdd")
    dangerous = sorted({cap for cap in added or [] if cap in DANGEROUS_CAPABILITIES})
    if not dangerous:
        return None
    return Violation(f"the container adds {', '.join(dangerous)}", "HostConfig.CapAdd includes " + ",".join(dangerous))


@check("CTR-NO-NEW-PRIVS", linux_only=True)
def check_no_new_privileges(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container without the no-new-privileges security option."""
    options = _security_options(container)
    if options is None:
        return None
    accepted = {"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"}
    if accepted.intersection(options):
        return None
    return Violation("processes can gain privileges through setuid binaries", "HostConfig.SecurityOpt has no no-new-privileges")


@check("CTR-SECCOMP-UNCONFINED", linux_only=True)
def check_seccomp_unconfined(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `seccomp=unconfined` (or `seccomp:unconfined`)."""
    options = _security_options(container) or []
    found = [option for option in options if option in ("seccomp=unconfined", "seccomp:unconfined")]
    if not found:
        return None
    return Violation("the container runs without a seccomp filter", f"HostConfig.SecurityOpt includes {found[0]}")


@check("CTR-APPARMOR-UNCONFINED", linux_only=True, security_module="apparmor")
def check_apparmor_unconfined(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container without an AppArmor profile on an AppArmor host."""
    options = _security_options(container) or []
    found = [option for option in options if option in ("apparmor=unconfined", "apparmor:unconfined")]
    if found:
        return Violation("the container runs without an AppArmor profile", f"HostConfig.SecurityOpt includes {found[0]}")
    profile = lookup(container.inspect, "AppArmorProfile")
    if profile is ABSENT or profile is None:
        return None
    if str(profile) in ("", "unconfined"):
        shown = "unconfined" if profile else "empty"
        return Violation("the container runs without an AppArmor profile", f"AppArmorProfile is {shown}")
    return None


@check("CTR-READONLY-ROOTFS", linux_only=True)
def check_readonly_rootfs(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a writable root filesystem."""
    if host_setting(container, "ReadonlyRootfs") is not False:
        return None
    return Violation("the container can write to its root filesystem", "HostConfig.ReadonlyRootfs=false")


def _lacks_noexec_nosuid(options: list[str]) -> list[str]:
    normalized = {option.strip().lower() for option in options}
    return [flag for flag in ("noexec", "nosuid") if flag not in normalized]


@check("CTR-TMPFS-EXEC", linux_only=True)
def check_tmpfs_exec(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a tmpfs (from `--tmpfs` or `--mount type=tmpfs`) mounted without noexec or nosuid."""
    offending = []
    for target, options in as_dict(host_setting(container, "Tmpfs")).items():
        missing = _lacks_noexec_nosuid(str(options or "").split(","))
        if missing:
            offending.append(f"HostConfig.Tmpfs {target} lacks {','.join(missing)}")
    for mount in as_list(host_setting(container, "Mounts")):
        if not isinstance(mount, dict) or mount.get("Type") != "tmpfs":
            continue
        # API 1.46 added TmpfsOptions.Options as [[flag], [key, value]]; older engines cannot set flags.
        flags = [str(pair[0]) for pair in as_list(lookup(mount, "TmpfsOptions", "Options")) if as_list(pair)]
        missing = _lacks_noexec_nosuid(flags)
        if missing:
            offending.append(f"HostConfig.Mounts tmpfs {mount.get('Target')} lacks {','.join(missing)}")
    if not offending:
        return None
    return Violation("a tmpfs lets the container run or setuid files it writes there", "; ".join(offending))


@check("CTR-MEMORY-LIMIT")
def check_memory_limit(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container with no memory limit."""
    if host_setting(container, "Memory") != 0:
        return None
    return Violation("the container can use all of the host's memory", "HostConfig.Memory=0")


@check("CTR-CPU-LIMIT")
def check_cpu_limit(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container with neither a CPU limit nor a CPU weight."""
    values = [host_setting(container, key) for key in ("NanoCpus", "CpuQuota", "CpuShares")]
    if any(value != 0 for value in values):
        return None
    return Violation("the container can use all of the host's CPUs", "HostConfig.NanoCpus=0, CpuQuota=0, CpuShares=0")


@check("CTR-PIDS-LIMIT", linux_only=True)
def check_pids_limit(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container whose process count is unlimited (null, 0 or negative PidsLimit)."""
    limit = host_setting(container, "PidsLimit")
    if limit is ABSENT:
        return None
    if limit is not None and not (isinstance(limit, int) and limit <= 0):
        return None
    shown = "null" if limit is None else str(limit)
    return Violation("the container can create processes without limit", f"HostConfig.PidsLimit={shown}")


@check("CTR-HOST-PID", linux_only=True)
def check_host_pid(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `--pid host`."""
    return _namespace_mode(container, "PidMode", "--pid")


@check("CTR-HOST-IPC", linux_only=True)
def check_host_ipc(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `--ipc host`."""
    return _namespace_mode(container, "IpcMode", "--ipc")


@check("CTR-HOST-UTS", linux_only=True)
def check_host_uts(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `--uts host`."""
    return _namespace_mode(container, "UTSMode", "--uts")


@check("CTR-HOST-USERNS", linux_only=True)
def check_host_userns(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `--userns host`."""
    return _namespace_mode(container, "UsernsMode", "--userns")


@check("CTR-DEVICES")
def check_devices(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag host devices passed into the container."""
    devices = [d for d in as_list(host_setting(container, "Devices")) if d]
    if not devices:
        return None
    paths = [str(d.get("PathOnHost") or "?") if isinstance(d, dict) else str(d) for d in devices]
    return Violation(f"host device {', '.join(paths)} is available in the container", "HostConfig.Devices: " + ", ".join(paths))


@check("CTR-MOUNT-PROPAGATION", linux_only=True)
def check_mount_propagation(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a mount whose propagation is shared or rshared."""
    offending = [m for m in mounts(container) if str(m.get("Propagation") or "") in ("shared", "rshared")]
    if not offending:
        return None
    evidence = "Mounts: " + ", ".join(f"{m.get('Destination')} Propagation={m.get('Propagation')}" for m in offending)
    return Violation("mounts made in the container propagate back to the host", evidence)


@check("CTR-RESTART-POLICY")
def check_restart_policy(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `on-failure` with no retry limit or one above 5."""
    policy = host_setting(container, "RestartPolicy")
    if not isinstance(policy, dict) or policy.get("Name") != "on-failure":
        return None
    retries = policy.get("MaximumRetryCount")
    if not isinstance(retries, int) or 0 < retries <= 5:
        return None
    return Violation(
        "the container is restarted on failure without a sensible retry limit",
        f"HostConfig.RestartPolicy=on-failure, MaximumRetryCount={retries}",
    )
