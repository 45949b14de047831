"""People: everyone reads the list; admins add people and change roles, units and access."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain import permissions
from headway.domain.errors import Conflict, ValidationFailed
from headway.domain.model import Role
from headway.domain.units import depth_first
from headway.services.access.people import create_person, list_people, update_person
from headway.services.access.units import list_units
from headway.web.inputs import RowId
from headway.web.ui.context import ALL_ROWS, Form, Page, PageContext, refusal, typed_values
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)

ROLES = [r.value for r in Role]


def _page(page: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    people = list_people(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)
    units = list_units(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)
    actor = page.actor
    return page.render(
        "people.html",
        status_code=status_code,
        people=sorted(people, key=lambda p: (not p.active, p.name.lower())),
        units={u.id: u for u in units},
        tree=depth_first(units),
        roles=ROLES,
        is_admin=actor is not None and permissions.can_admin(actor),
        **{"errors": {}, "typed": {}, "person_errors": {}, **context},
    )


@router.get("/people", response_class=HTMLResponse)
def people_page(page: PageContext) -> Response:
    return _page(page)


@router.post("/people")
def add_person(page: PageContext, form: Form) -> Response:
    """Add a person (admins), with a first password if given."""
    read = FormReader(form)
    role, unit_ids = read.choice("role", ROLES), read.integers("unit_ids")
    try:
        read.check()
        person = create_person(
            page.uow,
            page.workspace,
            email=read.text("email"),
            name=read.text("name"),
            role=role,
            unit_ids=unit_ids,
            password=read.secret("password") or None,
            caller=page.caller,
            clock=page.clock,
        )
    except (ValidationFailed, Conflict) as exc:
        return _page(page, status_code=422, errors=refusal(exc), typed=typed_values(form))
    return RedirectResponse(f"/people#person-{person.id}", status_code=303)


@router.post("/people/{person_id}")
def change_person(person_id: RowId, page: PageContext, form: Form) -> Response:
    """Change a person's role, units and whether they may sign in (admins)."""
    read = FormReader(form)
    changes: dict[str, Any] = {
        "role": read.choice("role", ROLES),
        "unit_ids": read.integers("unit_ids"),
        "active": read.text("active") == "on",
    }
    if read.secret("password"):
        changes["password"] = read.secret("password")
    try:
        read.check()
        update_person(
            page.uow, page.workspace, person_id, changes, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return _page(page, status_code=422, person_errors={person_id: refusal(exc)})
    return RedirectResponse(f"/people#person-{person_id}", status_code=303)
