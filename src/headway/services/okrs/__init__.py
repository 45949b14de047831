"""Objectives, key results, check-ins, initiatives and the KPI -> OKR proposal."""
