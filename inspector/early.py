"""Container rules run on the early read while it still reads: the first snapshot of a scan or the TUI.

Container rules read the container, the networks and the host, which the read gets before the
containers, so each batch of built containers is judged while the engine serves the next inspects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inspector.model import Container, Finding, HostSnapshot, ObjectKind
from inspector.rules import evaluate_rules

# Containers judged at once while the early read goes on: each call of the rules has a fixed cost.
EARLY_BATCH = 64
OTHER_KINDS = frozenset(ObjectKind) - {ObjectKind.CONTAINER}


def judge_containers_while_reading(prefetch: Any) -> list[Finding] | None:
    """Run the container rules on each container the early read builds, while it reads the rest.

    Return the findings, or None when the read did not stream or ended before its networks were
    read (then nothing was judged).
    """
    from inspector.engine.snapshot import networks_snapshot

    context: HostSnapshot | None = None
    waiting: list[Container] = []
    findings: list[Finding] = []
    for batch in prefetch.progress():
        for kind, payload in batch:
            if kind == "networks":
                context = networks_snapshot(payload, prefetch.endpoint.display, prefetch.endpoint.context)
            else:
                waiting.append(payload)
        if context is not None and len(waiting) >= EARLY_BATCH:
            findings += _judge(context, waiting)
            waiting = []
    if context is None:
        return None
    if waiting:
        findings += _judge(context, waiting)
    return findings


def _judge(context: HostSnapshot, containers: list[Container]) -> list[Finding]:
    """Return the container rules' findings on `containers`, with the host and networks of `context`."""
    return evaluate_rules(context.model_copy(update={"containers": containers}), kinds={ObjectKind.CONTAINER})


def evaluate_with_judged(
    snapshot: HostSnapshot, judged: list[Finding] | None, now: datetime | None = None
) -> list[Finding]:
    """Return every finding on `snapshot`, worst first, given the container findings judged during the read.

    With `judged` None, every rule runs. Otherwise only the rules about other kinds of object run.
    """
    if judged is None:
        return evaluate_rules(snapshot, now)
    findings = judged + evaluate_rules(snapshot, now, kinds=OTHER_KINDS)
    findings.sort(key=Finding.sort_key)
    return findings
