"""Persistence: tables, engine, unit of work, repositories and Alembic migrations."""
