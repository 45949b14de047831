"""Adapters that bring data in from files and other systems."""
