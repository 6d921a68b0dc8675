"""The rule catalogue: every rule's id, default severity, CIS Docker Benchmark id and fix.

The order of `RULES` is the catalogue order (container, image, network, host, secret rules),
which the `rules` command, SARIF output and the checklist follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector.model.findings import ObjectKind, Severity


@dataclass(frozen=True)
class Rule:
    """One checklist rule and the text every finding of it carries."""

    id: str
    kind: ObjectKind
    severity: Severity
    title: str
    cis: str | None
    section: str
    rationale: str
    remediation: str


_C = ObjectKind.CONTAINER
_I = ObjectKind.IMAGE
_N = ObjectKind.NETWORK
_H = ObjectKind.HOST
_S = ObjectKind.SECRET

_CRITICAL = Severity.CRITICAL
_HIGH = Severity.HIGH
_MEDIUM = Severity.MEDIUM
_LOW = Severity.LOW
_INFO = Severity.INFO

_CATALOGUE: tuple[Rule, ...] = (
    # Container rules.
    Rule(
        "CTR-PRIVILEGED", _C, _CRITICAL, "Container runs privileged", "5.5", "Access control",
        "A privileged container has every capability and all host devices, so a compromise of it"
        " is a compromise of the host.",
        "Remove `--privileged` and add only the capabilities the process needs (`--cap-add`)."
        " Compose: delete `privileged: true`.",
    ),
    Rule(
        "CTR-DOCKER-SOCKET", _C, _CRITICAL, "Docker socket is mounted into the container", "5.32", "Runtime",
        "Whoever reaches the Docker socket controls the engine and can start a privileged container"
        " on the host; mounting /var/run, /run or / brings the socket along.",
        "Remove the `-v /var/run/docker.sock:...` (or `/var/run`, `/run`, `/`) mount; if the container"
        " must talk to the engine, put an API proxy with an allow-list in between."
        " Compose: delete the socket entry under `volumes:`.",
    ),
    Rule(
        "CTR-SENSITIVE-MOUNT", _C, _HIGH, "Sensitive host directory is mounted writable", "5.6", "Runtime",
        "A writable bind mount of a host system directory lets the container change the host's"
        " configuration, binaries or kernel interfaces.",
        "Mount only the files needed, read-only: `-v /etc/ssl/certs:/etc/ssl/certs:ro`."
        " Compose: `volumes: [\"/etc/ssl/certs:/etc/ssl/certs:ro\"]`.",
    ),
    Rule(
        "CTR-ROOT-USER", _C, _HIGH, "Container runs as root", "4.1", "Image: user",
        "A process running as root in the container is root on the host if it escapes, and can"
        " change everything inside the container.",
        "Run as an unprivileged uid: `--user 10001:10001`, or set `USER 10001` in the Dockerfile."
        " Compose: `user: \"10001:10001\"`.",
    ),
    Rule(
        "CTR-CAP-DROP", _C, _MEDIUM, "Capabilities are not dropped", "5.4", "Access control",
        "Docker's default capability set is broader than most processes need; dropping all and"
        " adding back the few required ones shrinks what an attacker can do.",
        "`--cap-drop ALL --cap-add NET_BIND_SERVICE` (add only what is needed)."
        " Compose: `cap_drop: [ALL]` and `cap_add: [NET_BIND_SERVICE]`.",
    ),
    Rule(
        "CTR-CAP-ADD", _C, _MEDIUM, "Capability added beyond Docker's default set", "5.4", "Access control",
        "Each capability outside Docker's default set grants a kernel privilege the container"
        " did not have before.",
        "Remove the `--cap-add` flags that are not strictly needed."
        " Compose: trim the `cap_add:` list.",
    ),
    Rule(
        "CTR-CAP-DANGEROUS", _C, _HIGH, "Dangerous capability added", "5.4", "Access control",
        "SYS_ADMIN, SYS_MODULE, SYS_PTRACE, DAC_READ_SEARCH, NET_ADMIN, SYS_RAWIO, BPF and ALL"
        " each allow a container escape or control of the host's kernel or network.",
        "Remove the `--cap-add` of that capability; find a design that does not need it."
        " Compose: remove it from `cap_add:`.",
    ),
    Rule(
        "CTR-NO-NEW-PRIVS", _C, _MEDIUM, "no-new-privileges is not set", "5.26", "Runtime",
        "Without no-new-privileges a process can gain privileges through setuid or setgid"
        " binaries inside the container.",
        "`--security-opt no-new-privileges:true`."
        " Compose: `security_opt: [\"no-new-privileges:true\"]`.",
    ),
    Rule(
        "CTR-SECCOMP-UNCONFINED", _C, _HIGH, "Seccomp is disabled", "5.22", "Access control",
        "The default seccomp profile blocks system calls used in kernel exploits; an unconfined"
        " container can call all of them.",
        "Remove `--security-opt seccomp=unconfined`, or pass a custom profile:"
        " `--security-opt seccomp=profile.json`. Compose: remove `seccomp:unconfined` from `security_opt:`.",
    ),
    Rule(
        "CTR-APPARMOR-UNCONFINED", _C, _MEDIUM, "AppArmor profile is not applied", "5.2", "Access control",
        "On an AppArmor host the docker-default profile restricts file, mount and proc access;"
        " an unconfined container loses that layer.",
        "Remove `--security-opt apparmor=unconfined` (docker-default then applies) or name a"
        " profile: `--security-opt apparmor=docker-default`."
        " Compose: `security_opt: [\"apparmor=docker-default\"]`.",
    ),
    Rule(
        "CTR-READONLY-ROOTFS", _C, _LOW, "Root filesystem is writable", "5.13", "Runtime: file system",
        "A read-only root filesystem stops an attacker from dropping tools or changing binaries"
        " inside the container.",
        "`--read-only --tmpfs /tmp:rw,noexec,nosuid` and volumes for data."
        " Compose: `read_only: true` and `tmpfs: [\"/tmp:rw,noexec,nosuid\"]`.",
    ),
    Rule(
        "CTR-TMPFS-EXEC", _C, _LOW, "tmpfs mount allows exec or setuid", None, "Runtime: file system",
        "A writable tmpfs without noexec and nosuid is a place to download and run a payload"
        " even when the root filesystem is read-only.",
        "`--tmpfs /tmp:rw,noexec,nosuid,size=64m`."
        " Compose: `tmpfs: [\"/tmp:rw,noexec,nosuid,size=64m\"]`.",
    ),
    Rule(
        "CTR-MEMORY-LIMIT", _C, _MEDIUM, "No memory limit", "5.11", "Runtime: resources",
        "Without a memory limit one container can exhaust the host's memory and starve or"
        " kill the others.",
        "`--memory 512m`. Compose: `mem_limit: 512m` (or `deploy.resources.limits.memory`).",
    ),
    Rule(
        "CTR-CPU-LIMIT", _C, _LOW, "No CPU limit or weight", "5.12", "Runtime: resources",
        "Without a CPU limit or share one container can monopolise the host's CPUs.",
        "`--cpus 1.0` (or `--cpu-shares 512`). Compose: `cpus: 1.0` (or `deploy.resources.limits.cpus`).",
    ),
    Rule(
        "CTR-PIDS-LIMIT", _C, _MEDIUM, "No process limit", "5.29", "Runtime: resources",
        "Without a pids limit a fork bomb in one container exhausts the host's process table.",
        "`--pids-limit 200`. Compose: `pids_limit: 200`.",
    ),
    Rule(
        "CTR-HOST-NETWORK", _C, _HIGH, "Container shares the host's network", "5.10", "Network",
        "In the host network namespace the container sees every host interface and can bind"
        " or sniff any host port.",
        "Use a user-defined bridge network instead of `--network host` and publish only the needed ports."
        " Compose: remove `network_mode: host` and declare `networks:`.",
    ),
    Rule(
        "CTR-HOST-PID", _C, _HIGH, "Container shares the host's process namespace", "5.16", "Access control",
        "Sharing the host PID namespace lets the container see and signal every host process.",
        "Remove `--pid host`. Compose: remove `pid: host`.",
    ),
    Rule(
        "CTR-HOST-IPC", _C, _HIGH, "Container shares the host's IPC namespace", "5.17", "Access control",
        "Sharing the host IPC namespace exposes the host's shared memory and semaphores.",
        "Remove `--ipc host` (use `--ipc private` or `shareable`). Compose: remove `ipc: host`.",
    ),
    Rule(
        "CTR-HOST-UTS", _C, _MEDIUM, "Container shares the host's UTS namespace", "5.21", "Access control",
        "Sharing the host UTS namespace lets the container change the host's hostname.",
        "Remove `--uts host`. Compose: remove `uts: host`.",
    ),
    Rule(
        "CTR-HOST-USERNS", _C, _MEDIUM, "Container opts out of user-namespace remapping", "5.31", "Access control",
        "With `--userns host` the container's root is the host's root even where the daemon"
        " remaps users.",
        "Remove `--userns host`. Compose: remove `userns_mode: host`.",
    ),
    Rule(
        "CTR-DEVICES", _C, _MEDIUM, "Host device is passed into the container", "5.18", "Access control",
        "A host device node gives the container direct access to hardware or kernel interfaces.",
        "Remove `--device`, or pass it read-only where possible: `--device /dev/xyz:/dev/xyz:r`."
        " Compose: trim the `devices:` list.",
    ),
    Rule(
        "CTR-PORT-ALL-INTERFACES", _C, _MEDIUM, "Port published on all interfaces", "5.14", "Network: ports",
        "A port published on 0.0.0.0 or :: is reachable from every network the host is on,"
        " and Docker's rules bypass the host firewall.",
        "Bind to one address: `-p 127.0.0.1:8080:80`. Compose: `ports: [\"127.0.0.1:8080:80\"]`.",
    ),
    Rule(
        "CTR-PRIVILEGED-PORT", _C, _LOW, "Privileged host port published", "5.8", "Network: ports",
        "Host ports below 1024 are reserved for system services; publishing one from a container"
        " can shadow or impersonate them.",
        "Publish on a port of 1024 or above: `-p 8080:80`. Compose: `ports: [\"8080:80\"]`.",
    ),
    Rule(
        "CTR-DEFAULT-BRIDGE", _C, _LOW, "Attached to the default bridge network", "5.30", "Network: segmentation",
        "Every container on the default bridge can reach every other one; user-defined networks"
        " separate applications and resolve names.",
        "`docker network create app` and `--network app`."
        " Compose: services get a project network by default; declare `networks:` per tier.",
    ),
    Rule(
        "CTR-DATABASE-EXPOSED", _C, _HIGH, "Database or cache is reachable beyond its application",
        None, "Network: segmentation",
        "Databases and caches hold the data attackers want; they belong on an internal network"
        " that only their application joins, with no port on all interfaces.",
        "`docker network create --internal backend`, `--network backend`, and no `-p` (or `-p 127.0.0.1:...`)."
        " Compose: `networks: {backend: {internal: true}}` and no public `ports:`.",
    ),
    Rule(
        "CTR-MOUNT-PROPAGATION", _C, _MEDIUM, "Mount propagation is shared", "5.20", "Runtime",
        "A shared mount propagates mounts made in the container back to the host.",
        "Use the default private propagation: drop `:shared`/`:rshared` (or `bind-propagation=rshared`)."
        " Compose: remove `bind: {propagation: rshared}`.",
    ),
    Rule(
        "CTR-HEALTHCHECK-MISSING", _C, _LOW, "No healthcheck", "5.27", "Monitoring",
        "Without a healthcheck the engine and orchestrators cannot tell a hung service from a"
        " working one.",
        "`--health-cmd 'wget -qO- http://localhost:8080/health || exit 1' --health-interval 30s`,"
        " or `HEALTHCHECK` in the Dockerfile. Compose: `healthcheck: {test: [...], interval: 30s}`.",
    ),
    Rule(
        "CTR-UNHEALTHY", _C, _HIGH, "Container is unhealthy", None, "Monitoring",
        "The container's own healthcheck reports it is failing.",
        "Read its logs and healthcheck output (`docker inspect --format '{{json .State.Health}}'`),"
        " fix the cause, then restart it. Compose: `restart: unless-stopped` restarts it after a crash.",
    ),
    Rule(
        "CTR-LOG-ROTATION", _C, _LOW, "Logs are not rotated", None, "Monitoring: logging",
        "Without max-size a chatty container's log file grows until the disk is full.",
        "`--log-opt max-size=10m --log-opt max-file=3`."
        " Compose: `logging: {driver: json-file, options: {max-size: 10m, max-file: \"3\"}}`.",
    ),
    Rule(
        "CTR-RESTART-POLICY", _C, _LOW, "on-failure restart has no sensible retry limit", "5.15", "Runtime",
        "An unbounded or very high retry count restarts a crashing container forever and can"
        " hide an attack or exhaust resources.",
        "`--restart on-failure:5`. Compose: `restart: on-failure:5`.",
    ),
    Rule(
        "CTR-IMAGE-LATEST", _C, _LOW, "Container uses an unpinned image", "5.28", "Image: tags",
        "A `latest` or untagged reference changes under you, so the same command runs different"
        " code on each pull.",
        "Pin a version tag or a digest: `docker run app:1.4.2` or `app@sha256:...`."
        " Compose: `image: app:1.4.2`.",
    ),
    Rule(
        "CTR-ENV-SECRET", _C, _HIGH, "Secret in an environment variable", "4.10", "Data protection: secrets",
        "Environment variables are visible to anyone who can inspect the container and leak into"
        " logs, crash reports and child processes.",
        "Mount the secret as a file and pass its path: `--mount type=secret` in swarm or"
        " `-v ./db_password:/run/secrets/db_password:ro -e DB_PASSWORD_FILE=/run/secrets/db_password`."
        " Compose: `secrets: [db_password]` and `environment: {DB_PASSWORD_FILE: /run/secrets/db_password}`.",
    ),
    Rule(
        "CTR-ENV-TLS-DISABLED", _C, _MEDIUM, "TLS verification is disabled by environment", None,
        "Data protection: transit",
        "Disabling certificate verification lets anyone on the path read and change the"
        " container's traffic.",
        "Remove the variable and trust the needed CA instead (mount it and set `SSL_CERT_FILE`"
        " or `NODE_EXTRA_CA_CERTS`). Compose: delete it from `environment:`.",
    ),
    # Image rules.
    Rule(
        "IMG-ROOT-USER", _I, _MEDIUM, "Image runs as root by default", "4.1", "Image: user",
        "Containers from this image run as root unless every `docker run` remembers `--user`.",
        "Create a user and switch to it in the Dockerfile: `RUN adduser -D -u 10001 app` then `USER 10001`.",
    ),
    Rule(
        "IMG-NAMED-USER", _I, _INFO, "Image user is a name, not a numeric uid", None,
        "Image: user (specific UID)",
        "Kubernetes `runAsNonRoot` and similar checks cannot verify a user name is non-root;"
        " a numeric uid can be checked without reading /etc/passwd.",
        "Use the numeric uid in the Dockerfile: `USER 10001:10001`.",
    ),
    Rule(
        "IMG-HEALTHCHECK-MISSING", _I, _LOW, "Image has no healthcheck", "4.6", "Monitoring",
        "Containers from this image have no healthcheck unless every deployment adds one.",
        "Add `HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/health || exit 1` to the Dockerfile.",
    ),
    Rule(
        "IMG-LATEST-TAG", _I, _LOW, "Image is tagged latest", None, "Image: tags",
        "A `latest` tag says nothing about the version and moves with every build.",
        "Tag builds with a version or commit: `docker build -t app:1.4.2 .`.",
    ),
    Rule(
        "IMG-HISTORY-SECRET", _I, _HIGH, "Secret in the image history", "4.10", "Data protection",
        "ENV values, build arguments and RUN command lines are stored in the image and readable"
        " by anyone who can pull it, even after a later layer removes them.",
        "Use BuildKit secrets: `RUN --mount=type=secret,id=npm_token ...` with"
        " `docker build --secret id=npm_token,src=token.txt`; never pass credentials with ENV, ARG or on a RUN line.",
    ),
    Rule(
        "IMG-ADD-INSTRUCTION", _I, _LOW, "Image uses ADD", "4.9", "Image",
        "ADD fetches URLs and unpacks archives implicitly, so it can bring in unverified or"
        " unexpected content; COPY does only what it says.",
        "Use `COPY` for local files; download with `curl` plus a checksum check in a `RUN` step.",
    ),
    Rule(
        "IMG-UPDATE-ALONE", _I, _LOW, "Package index updated in its own step", "4.7", "Image: packages",
        "A cached `apt-get update` layer goes stale, so later installs fetch outdated package lists.",
        "Update and install in one step: `RUN apt-get update && apt-get install -y pkg && rm -rf /var/lib/apt/lists/*`.",
    ),
    Rule(
        "IMG-PACKAGE-CACHE", _I, _INFO, "Package manager cache left in the image", None, "Image: packages",
        "Package lists and caches add size and stale metadata to every layer that keeps them.",
        "`apt-get install ... && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache ...`,"
        " `yum install ... && yum clean all` in the same `RUN` step.",
    ),
    Rule(
        "IMG-UNVERIFIED-PACKAGES", _I, _HIGH, "Packages or downloads are not verified", "4.11",
        "Image: packages",
        "Skipping signature or certificate checks lets a network attacker substitute what the"
        " build installs.",
        "Remove `--allow-unauthenticated`, `--force-yes`, `--allow-untrusted`, `--nogpgcheck`,"
        " `--no-check-certificate`, `curl -k` and `pip --trusted-host`; install the repository key or CA instead.",
    ),
    Rule(
        "IMG-SUDO", _I, _MEDIUM, "Image build uses sudo", None, "Image: user",
        "sudo in a build means the image ships sudo and a user allowed to use it, an easy path"
        " back to root.",
        "Run root steps before `USER`, and do not install sudo: `USER root`, `RUN ...`, `USER 10001`.",
    ),
    Rule(
        "IMG-SSH-PORT", _I, _MEDIUM, "Image exposes SSH", None, "Network",
        "An SSH server in a container is another service to patch and attack; `docker exec` does"
        " the job.",
        "Remove the SSH server and `EXPOSE 22`; use `docker exec -it <container> sh` to get a shell.",
    ),
    Rule(
        "IMG-LARGE", _I, _INFO, "Image is larger than 1 GiB", None, "Image: base",
        "Large images carry more packages to patch and more tools for an attacker.",
        "Start from a minimal base image (alpine, distroless, slim) and use a multi-stage build"
        " that copies only the artefacts into the final stage.",
    ),
    Rule(
        "IMG-STALE", _I, _LOW, "Image was built more than 90 days ago", "4.4", "Vulnerability management",
        "An image that is not rebuilt misses the security fixes of its base image and packages.",
        "Rebuild regularly with `docker build --pull --no-cache`, and redeploy the containers.",
    ),
    Rule(
        "IMG-DANGLING", _I, _INFO, "Unused untagged image", "6.1", "Image",
        "Untagged images that no container uses are leftovers that take disk space and still"
        " hold whatever was in them.",
        "Remove them: `docker image prune` (review first with `docker images -f dangling=true`).",
    ),
    # Network rules.
    Rule(
        "NET-ICC-ENABLED", _N, _LOW, "Inter-container traffic allowed on the default bridge", "2.2", "Network",
        "With inter-container communication on, every container on the default bridge can reach"
        " every other one on any port.",
        "Set `\"icc\": false` in /etc/docker/daemon.json (or `dockerd --icc=false`) and put"
        " containers that must talk on a user-defined network.",
    ),
    Rule(
        "NET-OVERLAY-UNENCRYPTED", _N, _MEDIUM, "Overlay network is not encrypted", "7.3", "Network",
        "Traffic between swarm nodes on an unencrypted overlay network crosses the wire in clear text.",
        "`docker network create -d overlay --opt encrypted app`."
        " Compose/stack: `networks: {app: {driver: overlay, driver_opts: {encrypted: \"\"}}}`.",
    ),
    Rule(
        "NET-MIXED-EXPOSURE", _N, _MEDIUM, "Internal network member publishes ports on all interfaces",
        None, "Network: segmentation",
        "A container on an internal network that also publishes a port on all interfaces is a"
        " bridge into the network the `--internal` flag was meant to isolate.",
        "Publish on loopback only (`-p 127.0.0.1:8080:80`) or move the public endpoint to a"
        " separate proxy container. Compose: `ports: [\"127.0.0.1:8080:80\"]`.",
    ),
    # Host rules.
    Rule(
        "HOST-INSECURE-REGISTRY", _H, _HIGH, "Insecure registry configured", "2.5", "Host configuration",
        "Images pulled from an insecure registry travel without TLS, so anyone on the path can"
        " replace them.",
        "Remove the entry from `insecure-registries` in /etc/docker/daemon.json and give the"
        " registry a TLS certificate.",
    ),
    Rule(
        "HOST-USERNS-OFF", _H, _LOW, "User-namespace remapping is off", "2.9", "Host configuration",
        "Without user-namespace remapping (or rootless mode) root in a container is root on the host.",
        "Set `\"userns-remap\": \"default\"` in /etc/docker/daemon.json, or run the engine rootless.",
    ),
    Rule(
        "HOST-LIVE-RESTORE-OFF", _H, _LOW, "Live restore is off", "2.15", "Host configuration",
        "Without live restore an engine upgrade or restart stops every container.",
        "Set `\"live-restore\": true` in /etc/docker/daemon.json.",
    ),
    Rule(
        "HOST-NO-AUTHZ-PLUGIN", _H, _INFO, "No authorization plugin", "2.12", "Host configuration",
        "Without an authorization plugin anyone who reaches the API may do everything.",
        "Install an authorization plugin and set `\"authorization-plugins\": [\"name\"]` in /etc/docker/daemon.json.",
    ),
    Rule(
        "HOST-SECCOMP-OFF", _H, _HIGH, "Seccomp is not available to the engine", "2.17", "Host configuration",
        "Without seccomp no container gets the default system-call filter.",
        "Run the engine on a kernel built with seccomp and do not set `\"seccomp-profile\": \"unconfined\"`.",
    ),
    Rule(
        "HOST-EXPERIMENTAL", _H, _LOW, "Experimental features are on", "2.18", "Host configuration",
        "Experimental features are not meant for production and get less security review.",
        "Remove `\"experimental\": true` from /etc/docker/daemon.json.",
    ),
    Rule(
        "HOST-SWARM-AUTOLOCK-OFF", _H, _MEDIUM, "Swarm autolock is off", "7.5", "Host configuration",
        "Without autolock the keys that decrypt the swarm's Raft log, secrets included, sit on"
        " the manager's disk.",
        "`docker swarm update --autolock=true` and keep the unlock key offline.",
    ),
    # Secret rules.
    Rule(
        "SEC-UNUSED", _S, _INFO, "Secret is not used by any service", None, "Data protection: secrets",
        "An unused secret is still distributed to managers and is one more credential to leak.",
        "Remove it: `docker secret rm <name>`.",
    ),
    Rule(
        "SEC-NOT-ROTATED", _S, _LOW, "Secret not rotated for more than 90 days", None, "Data protection: secrets",
        "Long-lived credentials are more likely to have leaked somewhere.",
        "Create a new secret version, switch the service to it (`docker service update --secret-rm old"
        " --secret-add source=new,target=old`), then remove the old one.",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _CATALOGUE}


def all_rules() -> list[Rule]:
    """Return every rule in catalogue order."""
    return list(RULES.values())
