"""The lab fleet's definition: object names, planted secret values, Dockerfiles, container specs.

Every object carries the label `dsc-tui.lab=true`. The insecure containers each break a set of
container rules on purpose; the API container is the hardened example that passes them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inspector.engine.provision import ContainerSpec
from inspector.engine.provision_swarm import ServiceSpec

LAB_LABEL_KEY = "dsc-tui.lab"
LAB_LABEL = f"{LAB_LABEL_KEY}=true"
LAB_LABELS = {LAB_LABEL_KEY: "true"}

# Fake credentials the fleet plants on purpose. Tests elsewhere assert that none of these values
# ever appears in a report, capture, log or screen.
POSTGRES_PASSWORD = "lab-pg-pass-6Qw2Zr8Tx4"
IMAGE_API_TOKEN = "lab-api-token-J7nK3vP9sL"
SWARM_DB_PASSWORD = "lab-swarm-secret-R5mY1cH8dE"
SWARM_OLD_TOKEN = "lab-swarm-old-token-W4bN6uF2qA"
LAB_SECRET_VALUES = (POSTGRES_PASSWORD, IMAGE_API_TOKEN, SWARM_DB_PASSWORD, SWARM_OLD_TOKEN)

FRONTEND_NETWORK = "dsc-lab-frontend"
BACKEND_NETWORK = "dsc-lab-backend"
POSTGRES_VOLUME = "dsc-lab-pgdata"

# The web image is referenced without a tag on purpose (the engine reads it as `latest`).
WEB_IMAGE = "dsc-lab/web"
API_IMAGE = "dsc-lab/api:1.4.2"
WORKER_IMAGE = "dsc-lab/worker:2.1"

DB_SECRET = "dsc-lab-db-password"
UNUSED_SECRET = "dsc-lab-old-token"
SERVICE = "dsc-lab-reporter"

# Role to container name, for tests and demos that need to find a particular lab container.
LAB_CONTAINERS = {
    "web": "dsc-lab-web",
    "postgres": "dsc-lab-postgres",
    "admin": "dsc-lab-admin",
    "api": "dsc-lab-api",
    "exited": "dsc-lab-worker",
}

SWARM_ADVERTISE_ADDR = "127.0.0.1"
# How long `up` waits for the API container to turn healthy and the service task to run, so that
# scans right after `up` see them settled. The first health check runs after its 3 s interval.
READY_WAIT_SECONDS = 30.0

# Idles in a way that exits promptly on SIGTERM, so `docker stop` and service removal take about
# a second instead of the 10 s grace period a bare `sleep` as PID 1 would cost.
IDLE_COMMAND = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]

WEB_DOCKERFILE = """\
FROM {base}
RUN mkdir -p /www && echo 'dsc-tui lab: web' > /www/index.html
EXPOSE 80
CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
"""

API_DOCKERFILE = """\
FROM {base}
RUN mkdir -p /www && echo 'dsc-tui lab: api' > /www/index.html && echo ok > /www/healthz
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=3s --timeout=2s --start-period=1s --retries=3 \\
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""

# The token in ENV stays readable in the image history, which is what IMG-HISTORY-SECRET catches.
WORKER_DOCKERFILE = """\
FROM {base}
ENV API_TOKEN={token}
CMD ["sh", "-c", "echo 'report job failed: upstream rejected the token' >&2; exit 1"]
"""


@dataclass(frozen=True)
class LabFleet:
    """The names of the lab's objects, as tests and demos refer to them."""

    containers: dict[str, str] = field(default_factory=lambda: dict(LAB_CONTAINERS))
    images: dict[str, str] = field(
        default_factory=lambda: {"web": f"{WEB_IMAGE}:latest", "api": API_IMAGE, "worker": WORKER_IMAGE}
    )
    networks: dict[str, str] = field(
        default_factory=lambda: {"frontend": FRONTEND_NETWORK, "backend": BACKEND_NETWORK}
    )
    volumes: tuple[str, ...] = (POSTGRES_VOLUME,)
    secrets: tuple[str, ...] = (DB_SECRET, UNUSED_SECRET)
    services: tuple[str, ...] = (SERVICE,)
    secret_values: tuple[str, ...] = LAB_SECRET_VALUES


def lab_images(base_image: str) -> list[tuple[str, str]]:
    """Return (tag, Dockerfile) for every lab image, built on `base_image`."""
    return [
        (f"{WEB_IMAGE}:latest", WEB_DOCKERFILE.format(base=base_image)),
        (API_IMAGE, API_DOCKERFILE.format(base=base_image)),
        (WORKER_IMAGE, WORKER_DOCKERFILE.format(base=base_image, token=IMAGE_API_TOKEN)),
    ]


def lab_containers(base_image: str) -> list[ContainerSpec]:
    """Return the specs of the lab containers, in creation order."""
    web = ContainerSpec(
        name=LAB_CONTAINERS["web"],
        image=WEB_IMAGE,
        labels=LAB_LABELS,
        env={
            "DATABASE_URL": f"postgres://app:{POSTGRES_PASSWORD}@{LAB_CONTAINERS['postgres']}:5432/app",
            "NODE_TLS_REJECT_UNAUTHORIZED": "0",
        },
        ports={80: "0.0.0.0"},
    )

    postgres = ContainerSpec(
        name=LAB_CONTAINERS["postgres"],
        image=base_image,
        labels=LAB_LABELS,
        # busybox nc: -ll keeps listening after each connection, and -e runs /bin/true for each
        # one, which closes it at once.
        command=["nc", "-ll", "-p", "5432", "-e", "/bin/true"],
        env={"POSTGRES_USER": "app", "POSTGRES_DB": "app", "POSTGRES_PASSWORD": POSTGRES_PASSWORD},
        # Publishing needs a non-internal first network; the backend is attached afterwards, which
        # is the mixed exposure NET-MIXED-EXPOSURE reports. An empty host IP means every interface.
        networks=("bridge", BACKEND_NETWORK),
        ports={5432: ""},
        binds={POSTGRES_VOLUME: ("/var/lib/postgresql/data", "rw")},
    )

    admin = ContainerSpec(
        name=LAB_CONTAINERS["admin"],
        image=base_image,
        labels=LAB_LABELS,
        command=IDLE_COMMAND,
        networks=(FRONTEND_NETWORK,),
        privileged=True,
        cap_add=("SYS_ADMIN",),
        binds={"/var/run/docker.sock": ("/var/run/docker.sock", "rw")},
    )

    # Passes every container rule. It runs as a numeric non-root user with no capabilities and a
    # read-only root (its tmpfs is noexec,nosuid), under no-new-privileges and resource limits.
    # Its port is above 1024 and published on loopback only, it is not on the default bridge, and
    # it has the image's healthcheck, rotated logs, bounded restarts, a pinned tag, and a password
    # passed as a file path. It can publish a port although it sits on the internal backend
    # network because it also reaches the host through the frontend network.
    api = ContainerSpec(
        name=LAB_CONTAINERS["api"],
        image=API_IMAGE,
        labels=LAB_LABELS,
        user="10001:10001",
        env={"DB_HOST": LAB_CONTAINERS["postgres"], "DB_PASSWORD_FILE": "/run/secrets/db_password"},
        networks=(FRONTEND_NETWORK, BACKEND_NETWORK),
        ports={8080: "127.0.0.1"},
        cap_drop=("ALL",),
        read_only=True,
        tmpfs={"/tmp": "rw,noexec,nosuid,size=16m"},
        security_opt=("no-new-privileges:true",),
        memory="64m",
        nano_cpus=500_000_000,
        pids_limit=64,
        log_driver="json-file",
        log_options={"max-size": "10m", "max-file": "3"},
        restart_policy={"Name": "on-failure", "MaximumRetryCount": 3},
    )

    exited = ContainerSpec(
        name=LAB_CONTAINERS["exited"],
        image=WORKER_IMAGE,
        labels=LAB_LABELS,
        networks=(BACKEND_NETWORK,),
        run_to_exit=True,
    )

    return [web, postgres, admin, api, exited]


def lab_service(base_image: str) -> ServiceSpec:
    """Return the spec of the swarm service that mounts the lab's database password secret."""
    return ServiceSpec(
        name=SERVICE, image=base_image, command=IDLE_COMMAND, labels=LAB_LABELS, secrets=(DB_SECRET,)
    )
