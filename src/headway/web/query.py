"""Query strings: a parameter the operation does not take is refused, like an unknown body field.

`GET /api/v1/kpis?unti=3` (a typo for `unit`) would otherwise answer every KPI as if no filter
had been asked for; it is a 422 naming `unti` instead. What an operation takes is read from
the same parameters FastAPI documents in the OpenAPI document, so the two cannot disagree.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.web.deps import ApiContext


def known_query_only(request: Request) -> None:
    """Refuse the query parameters the matched operation does not declare (422, each named)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - _query_names(route.dependant))
    if unknown:
        raise ValidationFailed(
            [FieldProblem(name, "is not a parameter of this operation") for name in unknown]
        )


def known_query_only_after_auth(request: Request, api: ApiContext) -> None:  # noqa: ARG001
    """`known_query_only` once the caller is known: a request without credentials is a 401
    first, as with any other problem of its input (FastAPI solves ApiContext once a request)."""
    known_query_only(request)


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters of an operation and of everything it depends on."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names
