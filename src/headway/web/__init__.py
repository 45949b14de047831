"""The web entrypoint: the JSON API under /api/v1 (and, later, server-rendered pages)."""
