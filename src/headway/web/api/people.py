"""/api/v1/people: who is in the workspace, their role and units (admins manage them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from pydantic import Field, StrictBool

from headway.domain.model import Role
from headway.schemas.paging import Page
from headway.schemas.people import PersonOut
from headway.services.access import people as service
from headway.web.deps import ApiContext
from headway.web.inputs import Body, Id, RowId, changes_of
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(prefix="/people", tags=["people"], route_class=JsonRoute)

Password = Annotated[
    str, Field(description="At least 8 characters; stored only as an argon2 hash, never shown.")
]


class PersonIn(Body):
    name: str
    email: str
    role: Role
    unit_ids: list[Id] = []
    active: StrictBool = True
    password: Password | None = None


class PersonPatch(Body):
    name: str | None = None
    email: str | None = None
    role: Role | None = None
    unit_ids: list[Id] | None = None
    active: StrictBool | None = None
    password: Password | None = None


@router.get("")
def list_people(
    api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[PersonOut]:
    """People of the workspace (active or not), by id."""
    rows = service.list_people(api.uow, api.workspace, after_id=decode_cursor(cursor), limit=limit)
    return page(rows, limit, lambda p: p.id, PersonOut.of)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_person(body: PersonIn, api: ApiContext) -> PersonOut:
    """Add a person (admins); the email is unique in the workspace, whatever its case."""
    person = service.create_person(
        api.uow,
        api.workspace,
        email=body.email,
        name=body.name,
        role=body.role.value,
        unit_ids=body.unit_ids,
        active=body.active,
        password=body.password,
        caller=api.caller,
        clock=api.clock,
    )
    return PersonOut.of(person)


@router.get("/{person_id}")
def get_person(person_id: RowId, api: ApiContext) -> PersonOut:
    return PersonOut.of(service.get_person(api.uow, api.workspace, person_id))


@router.patch("/{person_id}")
def update_person(person_id: RowId, body: PersonPatch, api: ApiContext) -> PersonOut:
    """Change a person (admins); the last active admin cannot demote or deactivate themselves."""
    person = service.update_person(
        api.uow, api.workspace, person_id, changes_of(body), caller=api.caller, clock=api.clock
    )
    return PersonOut.of(person)
