"""Workspace documents: import, export, replace, backups and the demo company."""
