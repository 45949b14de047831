"""Read models: the period report, dashboard, pages' figures, lists and the audit log."""
