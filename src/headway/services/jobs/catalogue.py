"""Every job module, imported once so that each registers its job (see `registry.job`)."""

from __future__ import annotations

import importlib

# One line per job module; each registers its own name(s).
JOB_MODULES: tuple[str, ...] = (
    "headway.services.notify.digest",
    "headway.services.webhooks.delivery",
)


def load() -> None:
    """Import every job module (idempotent)."""
    for module in JOB_MODULES:
        importlib.import_module(module)
