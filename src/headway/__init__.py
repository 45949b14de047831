"""Headway: objectives, key results and the KPIs that run the business, in one place."""

__version__ = "0.1.0"
