"""/api/v1 routes: tokens."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["tokens"])
