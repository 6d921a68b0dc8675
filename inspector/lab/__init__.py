"""The demo fleet: `dsc-tui lab up|down|status` builds, removes or lists a small "modern data stack".

The fleet mixes deliberately insecure objects with one hardened API container that passes every
container rule. The insecure ones are a root web server on the default bridge, an exposed
database with a password in its env, a privileged admin container with the Docker socket, a job
that exited, and an image with a token baked into its history. Every object carries the label
`dsc-tui.lab=true`, and `down` removes only objects with that label. The Docker calls live in
`inspector.engine.provision`, `provision_swarm` and `labelled`.
"""

from inspector.lab.commands import lab_down, lab_status, lab_up, run_lab
from inspector.lab.fleet import (
    LAB_CONTAINERS,
    LAB_LABEL,
    LAB_LABEL_KEY,
    LAB_LABELS,
    LAB_SECRET_VALUES,
    LabFleet,
)

__all__ = [
    "LAB_CONTAINERS",
    "LAB_LABEL",
    "LAB_LABEL_KEY",
    "LAB_LABELS",
    "LAB_SECRET_VALUES",
    "LabFleet",
    "lab_down",
    "lab_status",
    "lab_up",
    "run_lab",
]
