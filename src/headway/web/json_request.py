"""JSON request bodies read by the domain's bounded reader, not by FastAPI's `json.loads`.

FastAPI answers a body that is too deep or holds a 5,000-digit integer with a bare 400
("There was an error parsing the body"), and lets a lone surrogate through to a 500 when the
answer cannot be encoded. `JsonRoute` reads the body first with `read_json`: a body it refuses
is a 422 problem+json naming the body (or the value's path) and the bound, like any other bad
input; a body it accepts is handed to FastAPI already parsed. Every API router uses it
(`route_class=JsonRoute`), and tests/http/test_request_input.py checks none is left out.
"""

from __future__ import annotations

import email.message
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import params
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from headway.domain.json_text import read_json


class JsonRoute(APIRoute):
    """An API operation whose JSON body is read with `read_json` (depth, integers, surrogates)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        body_field = self.body_field
        if body_field is None or isinstance(body_field.field_info, params.Form):
            return handler

        async def read_json_first(request: Request) -> Response:
            if self._reads_json(request.headers.get("content-type")):
                raw = await request.body()
                if raw:
                    # Starlette's own cache: FastAPI's `await request.json()` then returns it.
                    setattr(request, "_json", read_json(raw))  # noqa: B010
            return await handler(request)

        return read_json_first

    def _reads_json(self, content_type: str | None) -> bool:
        """Whether FastAPI would read a body of this content type as JSON (its own rule)."""
        if not content_type:
            strict = self.strict_content_type
            return not (strict.value if isinstance(strict, DefaultPlaceholder) else strict)
        message = email.message.Message()
        message["content-type"] = content_type
        subtype = message.get_content_subtype()
        return message.get_content_maintype() == "application" and (
            subtype == "json" or subtype.endswith("+json")
        )
