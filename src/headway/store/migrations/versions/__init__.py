"""One module per schema revision, named NNNN_slug.py; Alembic reads them by path."""
