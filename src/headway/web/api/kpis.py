"""/api/v1 routes: kpis."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["kpis"])
