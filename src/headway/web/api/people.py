"""/api/v1 routes: people."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["people"])
