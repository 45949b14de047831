"""/api/v1 routes: periods."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["periods"])
