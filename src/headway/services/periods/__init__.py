"""Periods: opening, closing and the grades a close writes."""
