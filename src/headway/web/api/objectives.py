"""/api/v1 routes: objectives."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["objectives"])
