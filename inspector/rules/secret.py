"""Secret rules on swarm secrets: unused and not rotated."""

from __future__ import annotations

from datetime import timedelta

from inspector.model.objects import Secret
from inspector.rules.registry import EvaluationContext, Violation, check
from inspector.rules.timestamps import age_in_days, parse_timestamp

ROTATION_DAYS = 90


@check("SEC-UNUSED")
def check_unused(secret: Secret, context: EvaluationContext) -> Violation | None:
    """Flag a secret that no service references."""
    if any(secret.id in service.secret_ids for service in context.snapshot.services):
        return None
    return Violation("no service uses this secret", f"no service references secret {secret.id[:12]}")


@check("SEC-NOT-ROTATED")
def check_not_rotated(secret: Secret, context: EvaluationContext) -> Violation | None:
    """Flag a secret last updated more than 90 days before the scan."""
    updated = parse_timestamp(secret.updated_at)
    if updated is None or context.now - updated <= timedelta(days=ROTATION_DAYS):
        return None
    return Violation(
        f"the secret was last updated {age_in_days(updated, context.now)} days ago",
        f"UpdatedAt={secret.updated_at}",
    )
