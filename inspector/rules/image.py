"""Image rules on image metadata: user, healthcheck, tags, exposed ports, size, age, use."""

from __future__ import annotations

from datetime import timedelta

from inspector.model.fields import as_dict
from inspector.model.objects import Image
from inspector.rules.container_config import missing_healthcheck
from inspector.rules.registry import EvaluationContext, Violation, check, lookup
from inspector.rules.semantics import is_named_user, is_root_user
from inspector.rules.timestamps import age_in_days, parse_timestamp

LARGE_IMAGE_BYTES = 1024**3
STALE_DAYS = 90


@check("IMG-ROOT-USER")
def check_root_user(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag an image whose default user is root."""
    user = lookup(image.inspect, "Config", "User")
    if not isinstance(user, str) or not is_root_user(user):
        return None
    return Violation("containers from this image run as root by default", f"Config.User={user!r}" if user else "Config.User is empty (root)")


@check("IMG-NAMED-USER")
def check_named_user(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag a non-root user given by name rather than numeric uid."""
    user = lookup(image.inspect, "Config", "User")
    if not isinstance(user, str) or not is_named_user(user):
        return None
    return Violation("the image's user is a name, which a platform cannot verify as non-root", f"Config.User={user}")


@check("IMG-HEALTHCHECK-MISSING")
def check_healthcheck_missing(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag an image without an effective HEALTHCHECK."""
    reason = missing_healthcheck(image.inspect.get("Config"))
    if reason is None:
        return None
    return Violation("the image defines no healthcheck", reason)


@check("IMG-LATEST-TAG")
def check_latest_tag(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag an image tagged `latest`."""
    latest = [tag for tag in image.tags if tag.endswith(":latest")]
    if not latest:
        return None
    return Violation("the image carries a moving latest tag", "RepoTags: " + ", ".join(latest))


@check("IMG-SSH-PORT")
def check_ssh_port(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag an image that exposes port 22/tcp."""
    if "22/tcp" not in as_dict(lookup(image.inspect, "Config", "ExposedPorts")):
        return None
    return Violation("the image exposes SSH", "Config.ExposedPorts includes 22/tcp")


@check("IMG-LARGE")
def check_large(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag an image above 1 GiB."""
    if image.size <= LARGE_IMAGE_BYTES:
        return None
    return Violation(f"the image is {image.size / LARGE_IMAGE_BYTES:.1f} GiB", f"Size={image.size}")


@check("IMG-STALE")
def check_stale(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag an image built more than 90 days before the scan."""
    created = parse_timestamp(image.created)
    # Go's zero time (year 1) means the builder recorded no date.
    if created is None or created.year <= 1 or context.now - created <= timedelta(days=STALE_DAYS):
        return None
    return Violation(f"the image was built {age_in_days(created, context.now)} days ago", f"Created={image.created}")


@check("IMG-DANGLING")
def check_dangling(image: Image, context: EvaluationContext) -> Violation | None:
    """Flag an untagged image no container uses."""
    if image.tags or image.id in context.used_image_ids:
        return None
    return Violation("the image has no tag and no container uses it", "RepoTags is empty; no container uses this image")
