"""Alembic migrations; `headway.store.schema` runs them (there is no alembic.ini)."""
