"""The checklist: rules evaluated on a HostSnapshot, pure functions with no I/O."""
