"""/api/v1 routes: insights."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["insights"])
