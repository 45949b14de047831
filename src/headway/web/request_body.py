"""Raw request bodies (documents, spreadsheets) read up to a limit, never past it."""

from __future__ import annotations

from fastapi import HTTPException, Request


async def body_within(request: Request, limit: int, what: str) -> bytes:
    """The request body; 413 as soon as it grows past `limit` bytes (`what` names it)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise HTTPException(413, f"{what} may be at most {_size(limit)}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"{what} may be at most {_size(limit)}")
        chunks.append(chunk)
    return b"".join(chunks)


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit % 2**20 == 0 else f"{limit} bytes"
