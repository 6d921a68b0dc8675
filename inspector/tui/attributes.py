"""The attributes of an object the panes show, read from its inspect JSON with null tolerance."""

from __future__ import annotations

from dataclasses import dataclass

from inspector.model import Container, HostSnapshot
from inspector.model.fields import as_dict, as_list, dig


@dataclass(frozen=True)
class PublishedPort:
    """One published port: host address and port to container port and protocol."""

    host_ip: str
    host_port: str
    container_port: str

    def __str__(self) -> str:
        host_ip = self.host_ip or "0.0.0.0"
        host = f"[{host_ip}]" if ":" in host_ip else host_ip
        return f"{host}:{self.host_port}->{self.container_port}"


def published_ports(container: Container) -> list[PublishedPort]:
    """Return the container's published ports, from `NetworkSettings.Ports`, else `HostConfig.PortBindings`."""
    bindings = as_dict(dig(container.inspect, "NetworkSettings", "Ports"))
    if not any(as_list(value) for value in bindings.values()):
        bindings = as_dict(dig(container.inspect, "HostConfig", "PortBindings"))
    ports: list[PublishedPort] = []
    for container_port, entries in sorted(bindings.items()):
        for entry in as_list(entries):
            entry = as_dict(entry)
            ports.append(
                PublishedPort(
                    host_ip=str(entry.get("HostIp") or ""),
                    host_port=str(entry.get("HostPort") or ""),
                    container_port=str(container_port),
                )
            )
    return ports


def network_names(container: Container) -> list[str]:
    """Return the names of the networks the container is attached to, sorted."""
    networks = as_dict(dig(container.inspect, "NetworkSettings", "Networks"))
    if networks:
        return sorted(str(name) for name in networks)
    mode = dig(container.inspect, "HostConfig", "NetworkMode")
    return [str(mode)] if mode else []


def container_user(container: Container) -> str:
    """Return `Config.User`, or `root (default)` when it is empty."""
    user = dig(container.inspect, "Config", "User", default="")
    return str(user) if user else "root (default)"


def health_status(container: Container) -> str:
    """Return the health status, `none` when the container has no effective healthcheck."""
    status = dig(container.inspect, "State", "Health", "Status")
    if status:
        return str(status)
    test = as_list(dig(container.inspect, "Config", "Healthcheck", "Test"))
    if test and test != ["NONE"]:
        return "starting"
    return "none"


def mount_lines(container: Container) -> list[str]:
    """Return one line per mount: type, source, destination, mode and propagation."""
    lines = []
    for mount in as_list(dig(container.inspect, "Mounts")):
        mount = as_dict(mount)
        source = mount.get("Source") or mount.get("Name") or ""
        mode = "rw" if mount.get("RW") else "ro"
        line = f"{mount.get('Type') or '?'} {source} -> {mount.get('Destination') or '?'} ({mode})"
        if mount.get("Propagation"):
            line += f" propagation={mount['Propagation']}"
        lines.append(line)
    for path, options in sorted(as_dict(dig(container.inspect, "HostConfig", "Tmpfs")).items()):
        lines.append(f"tmpfs {path} ({options or 'default options'})")
    return lines


def capability_summary(container: Container) -> str:
    """Return privileged mode and the added and dropped capabilities in one line."""
    host_config = as_dict(dig(container.inspect, "HostConfig"))
    added = ", ".join(str(c) for c in as_list(host_config.get("CapAdd"))) or "none"
    dropped = ", ".join(str(c) for c in as_list(host_config.get("CapDrop"))) or "none"
    privileged = "privileged, " if host_config.get("Privileged") else ""
    return f"{privileged}add: {added}; drop: {dropped}"


def security_options(container: Container) -> str:
    """Return `HostConfig.SecurityOpt` and the read-only root filesystem flag."""
    host_config = as_dict(dig(container.inspect, "HostConfig"))
    options = ", ".join(str(o) for o in as_list(host_config.get("SecurityOpt"))) or "none"
    readonly = "read-only rootfs" if host_config.get("ReadonlyRootfs") else "writable rootfs"
    return f"{options}; {readonly}"


def limit_summary(container: Container) -> str:
    """Return memory, CPU and PIDs limits in one line, `none` where unset."""
    host_config = as_dict(dig(container.inspect, "HostConfig"))
    memory = int(host_config.get("Memory") or 0)
    memory_text = f"{memory / 1048576:g} MiB" if memory else "none"
    nano_cpus = int(host_config.get("NanoCpus") or 0)
    if nano_cpus:
        cpu_text = f"{nano_cpus / 1e9:g} CPUs"
    elif host_config.get("CpuQuota"):
        cpu_text = f"quota {host_config['CpuQuota']}"
    elif host_config.get("CpuShares"):
        cpu_text = f"shares {host_config['CpuShares']}"
    else:
        cpu_text = "none"
    pids = host_config.get("PidsLimit")
    pids_text = str(pids) if isinstance(pids, int) and pids > 0 else "none"
    return f"memory {memory_text}, cpu {cpu_text}, pids {pids_text}"


def restart_policy(container: Container) -> str:
    """Return the restart policy name with its retry count where it has one."""
    policy = as_dict(dig(container.inspect, "HostConfig", "RestartPolicy"))
    name = policy.get("Name") or "no"
    if name == "on-failure":
        return f"on-failure (max {policy.get('MaximumRetryCount') or 0} retries)"
    return str(name)


def log_config(container: Container) -> str:
    """Return the log driver and its options."""
    config = as_dict(dig(container.inspect, "HostConfig", "LogConfig"))
    options = ", ".join(f"{k}={v}" for k, v in sorted(as_dict(config.get("Config")).items()))
    driver = config.get("Type") or "unknown"
    return f"{driver} ({options})" if options else str(driver)


def namespace_modes(container: Container) -> str:
    """Return the network, PID, IPC, UTS and user namespace modes that differ from the default."""
    host_config = as_dict(dig(container.inspect, "HostConfig"))
    modes = []
    for label, key in (("pid", "PidMode"), ("ipc", "IpcMode"), ("uts", "UTSMode"), ("userns", "UsernsMode")):
        value = host_config.get(key)
        if value and value not in ("private", "shareable"):
            modes.append(f"{label}={value}")
    return ", ".join(modes) or "private"


def env_lines(container: Container) -> list[str]:
    """Return `Config.Env` as the snapshot holds it, secret values already redacted."""
    return [str(entry) for entry in as_list(dig(container.inspect, "Config", "Env"))]


def containers_on_network(snapshot: HostSnapshot, network_id: str) -> list[Container]:
    """Return the containers attached to a network, by the network's inspect or the containers' own."""
    network = snapshot.network(network_id)
    attached_ids = set(network.containers) if network else set()
    name = network.name if network else None
    result = []
    for container in snapshot.containers:
        networks = as_dict(dig(container.inspect, "NetworkSettings", "Networks"))
        if container.id in attached_ids or (name and name in networks):
            result.append(container)
    return sorted(result, key=lambda c: c.name)


def services_using_secret(snapshot: HostSnapshot, secret_id: str) -> list[str]:
    """Return the names of the services that reference a secret, sorted."""
    return sorted(service.name for service in snapshot.services if secret_id in service.secret_ids)


def short_date(timestamp: str | None) -> str:
    """Return the `YYYY-MM-DD HH:MM` part of an engine timestamp, or `-`."""
    if not timestamp:
        return "-"
    return str(timestamp)[:16].replace("T", " ")


def human_size(size: int) -> str:
    """Return a byte count as the docker CLI shows it (decimal units)."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.3g}{unit}"
        value /= 1000
    return f"{value:.3g}TB"
