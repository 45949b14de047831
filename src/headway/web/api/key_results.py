"""/api/v1 routes: key_results."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["key_results"])
