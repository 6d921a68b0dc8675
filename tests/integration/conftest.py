"""Fixtures for tests on a real Docker engine.

Where no engine responds these tests are skipped, unless DSC_REQUIRE_DOCKER=1 (set by
scripts/test and CI), where a missing engine fails the run instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import docker
import pytest

from inspector.engine import Engine, open_engine
from inspector.lab import LabFleet, lab_up

BASE_IMAGE = os.environ.get("DSC_BASE_IMAGE", "busybox:1.36")


def _engine_required() -> bool:
    return os.environ.get("DSC_REQUIRE_DOCKER") == "1"


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    """A docker SDK client on the test engine, for setting up and checking from outside dsc-tui."""
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means there is no usable engine
        message = f"no Docker engine answers: {error}"
        if _engine_required():
            pytest.fail(message + " (DSC_REQUIRE_DOCKER=1)")
        pytest.skip(message)
    return client


@pytest.fixture(scope="session")
def base_image(docker_client: docker.DockerClient) -> str:
    """The busybox base image reference that scripts/test imports."""
    try:
        docker_client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(f"base image {BASE_IMAGE} is missing: run scripts/test, which imports it")
    return BASE_IMAGE


@pytest.fixture(scope="session")
def lab_fleet(docker_client: docker.DockerClient, base_image: str) -> LabFleet:
    """The lab fleet with its swarm secret and service, brought up once per session.

    The fleet stays up after the session because other tests and demos share it. Tests that stop,
    pause or disconnect a container create their own instead of changing a lab container.
    """
    with open_engine(timeout=30) as engine:
        lab_up(engine.api, base_image, want_swarm=True, emit=lambda verb, kind, name: None)
    return LabFleet()


@pytest.fixture
def socket_engine() -> Iterator[Engine]:
    """An engine connection for tests of the plain unix-socket reads (the CI engine is on one)."""
    with open_engine(timeout=30) as connected:
        if connected.endpoint.socket_path is None:
            pytest.skip(f"the test engine is not on a unix socket: {connected.endpoint.display}")
        yield connected
