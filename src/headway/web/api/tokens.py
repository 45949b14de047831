"""/api/v1/tokens: a person's own API tokens. A new token is shown once, in the answer."""

from __future__ import annotations

from fastapi import APIRouter, status

from headway.schemas.paging import Page
from headway.schemas.people import NewTokenOut, TokenOut
from headway.services.access import api_tokens as service
from headway.web.deps import ApiContext
from headway.web.inputs import Body, RowId
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(prefix="/tokens", tags=["tokens"], route_class=JsonRoute)


class TokenIn(Body):
    name: str


@router.get("")
def list_tokens(
    api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[TokenOut]:
    """The caller's own tokens, revoked ones included, by id; never the tokens themselves."""
    rows = service.list_own_tokens(
        api.uow, api.workspace, caller=api.caller, after_id=decode_cursor(cursor), limit=limit
    )
    return page(rows, limit, lambda tok: tok.id, TokenOut.of)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, api: ApiContext) -> NewTokenOut:
    """Create a token for oneself; `token` is in this answer only (just its hash is kept)."""
    info, token = service.create_own_token(
        api.uow, api.workspace, name=body.name, caller=api.caller, clock=api.clock
    )
    return NewTokenOut.created(info, token)


@router.delete("/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: RowId, api: ApiContext) -> None:
    """Revoke a token: one's own, or any in the workspace for admins. It gets 401 afterwards."""
    service.revoke_token(api.uow, api.workspace, token_id, caller=api.caller, clock=api.clock)
