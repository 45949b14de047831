"""People and their personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher

from headway.domain import permissions, validation
from headway.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from headway.domain.model import Person, Role, Workspace
from headway.services.access.actors import Caller, admins_only, audit, require
from headway.store import people as people_store
from headway.store import tokens as token_store
from headway.store import units as unit_store
from headway.store import workspaces as workspace_store
from headway.store.sessions import end_sessions
from headway.store.uow import Connection, UnitOfWork

TOKEN_PREFIX = "hw_"  # noqa: S105 - a visible prefix, not a secret


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return PasswordHasher().hash(password)


def hash_token(token: str) -> str:
    """Tokens are long and random, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def _insert_person(
    conn: Connection,
    workspace: Workspace,
    *,
    email: str,
    name: str,
    role: str,
    active: bool,
    password: str | None,
    unit_ids: Iterable[int],
    caller: Caller,
    now: datetime,
) -> int:
    normalised = validation.normalise_email(email)
    if people_store.find_person_by_email(conn, workspace.id, normalised) is not None:
        raise Conflict(f"{normalised} is already a person in {workspace.name}", field="email")
    values = {"name": name.strip(), "email": normalised, "role": role, "active": active}
    person_id = people_store.add_person(
        conn,
        workspace.id,
        now,
        name=name.strip(),
        email=normalised,
        role=role,
        active=active,
        password_hash=hash_password(password) if password else None,
    )
    unit_ids = list(dict.fromkeys(unit_ids))
    people_store.add_memberships(conn, person_id, unit_ids)
    # The audit keeps who was added, never the password or its hash.
    after = {**values, "unit_ids": unit_ids, "password_set": password is not None}
    audit(conn, caller, workspace, "create", "person", person_id, now, after=after)
    return person_id


def add_person(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    unit_keys: tuple[str, ...] = (),
    caller: Caller,
    clock: Callable[[], datetime],
) -> int:
    """Add a person to the workspace, naming units by key or name; their id."""
    now = clock()
    problems = validation.validate_person(email=email, name=name, role=role, password=password)
    with uow:
        conn = uow.conn
        # Emails stay unique and the workspace keeps an active admin: writes to people
        # wait for each other, so each checks those rules against what the last one stored.
        workspace_store.lock_workspace(conn, workspace.id)
        require(caller, conn, workspace, "add people", admins_only)
        units: dict[str, int] = {}
        for unit in unit_store.load_units(conn, workspace.id):
            units[unit.name] = unit.id
            if unit.key:
                units[unit.key] = unit.id
        unknown = [k for k in unit_keys if k not in units]
        problems += [FieldProblem("units", f"no unit has the key or name {k!r}") for k in unknown]
        if problems:
            raise ValidationFailed(problems)
        return _insert_person(
            conn,
            workspace,
            email=email,
            name=name,
            role=role,
            active=True,
            password=password,
            unit_ids=[units[k] for k in unit_keys],
            caller=caller,
            now=now,
        )


def list_people(
    uow: UnitOfWork, workspace: Workspace, *, after_id: int, limit: int
) -> list[Person]:
    """Up to `limit` + 1 people with ids above `after_id`, by id."""
    with uow.reading():
        return people_store.people_page(uow.conn, workspace.id, after_id, limit)


def get_person(uow: UnitOfWork, workspace: Workspace, person_id: int) -> Person:
    with uow.reading():
        return people_store.get_person(uow.conn, workspace.id, person_id)


def _unknown_units(
    conn: Connection, workspace: Workspace, unit_ids: Iterable[int]
) -> list[FieldProblem]:
    known = {u.id for u in unit_store.load_units(conn, workspace.id)}
    missing = [u for u in dict.fromkeys(unit_ids) if u not in known]
    if not missing:
        return []
    listed = ", ".join(str(u) for u in missing)
    return [FieldProblem("unit_ids", f"no unit has the id {listed} in this workspace")]


def create_person(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    email: str,
    name: str,
    role: str,
    unit_ids: Sequence[int] = (),
    active: bool = True,
    password: str | None = None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Person:
    """Add a person with their units, by id (admins); an email already in use is a conflict."""
    now = clock()
    with uow:
        conn = uow.conn
        # Emails stay unique and the workspace keeps an active admin: writes to people
        # wait for each other, so each checks those rules against what the last one stored.
        workspace_store.lock_workspace(conn, workspace.id)
        require(caller, conn, workspace, "add people", admins_only)
        problems = validation.validate_person(email=email, name=name, role=role, password=password)
        problems += _unknown_units(conn, workspace, unit_ids)
        if problems:
            raise ValidationFailed(problems)
        person_id = _insert_person(
            conn,
            workspace,
            email=email,
            name=name,
            role=role,
            active=active,
            password=password,
            unit_ids=unit_ids,
            caller=caller,
            now=now,
        )
        return people_store.get_person(conn, workspace.id, person_id)


_PERSON_FIELDS = ("name", "email", "role", "unit_ids", "active", "password")


def _leaves_no_admin(conn: Connection, workspace: Workspace, person: Person) -> bool:
    return not people_store.has_other_active_admin(conn, workspace.id, person.id)


def update_person(
    uow: UnitOfWork,
    workspace: Workspace,
    person_id: int,
    changes: Mapping[str, Any],
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Person:
    """Change a person's name, email, role, units, activity or password (admins).

    The workspace always keeps an active admin: the last one cannot demote or deactivate
    themselves.
    """
    now = clock()
    with uow:
        conn = uow.conn
        # Emails stay unique and the workspace keeps an active admin: writes to people
        # wait for each other, so each checks those rules against what the last one stored.
        workspace_store.lock_workspace(conn, workspace.id)
        person = people_store.get_person(conn, workspace.id, person_id, for_update=True)
        require(caller, conn, workspace, "change people", admins_only)
        problems = [
            FieldProblem(name, "must not be null")
            for name in _PERSON_FIELDS
            if name in changes and changes[name] is None
        ]
        if problems:
            raise ValidationFailed(problems)
        problems = validation.validate_person(
            email=changes.get("email"),
            name=changes.get("name"),
            role=changes.get("role"),
            password=changes.get("password"),
        )
        if "unit_ids" in changes:
            problems += _unknown_units(conn, workspace, changes["unit_ids"])
        if problems:
            raise ValidationFailed(problems)
        before = _audited(person)
        values: dict[str, Any] = {}
        if "name" in changes:
            values["name"] = str(changes["name"]).strip()
        if "email" in changes:
            values["email"] = validation.normalise_email(changes["email"])
            other = people_store.find_person_by_email(conn, workspace.id, values["email"])
            if other is not None and other.id != person.id:
                raise Conflict(
                    f"{values['email']} is already a person in {workspace.name}", field="email"
                )
        if "role" in changes:
            values["role"] = changes["role"]
        if "active" in changes:
            values["active"] = bool(changes["active"])
        was_admin = person.active and person.role is Role.ADMIN
        stays_admin = values.get("active", person.active) and (
            values.get("role", person.role.value) == Role.ADMIN.value
        )
        if was_admin and not stays_admin and _leaves_no_admin(conn, workspace, person):
            raise Conflict(
                f"{person.email} is the last active admin of {workspace.name}: "
                "make someone else an admin first",
                field="active" if values.get("active", True) is False else "role",
            )
        if "password" in changes:
            values["password_hash"] = hash_password(changes["password"])
            # Whoever held a session with the old password holds nothing now.
            end_sessions(conn, person.id, now)
        people_store.update_person(conn, person.id, now, **values)
        ended: dict[str, int] = {}
        if values.get("active", person.active) != person.active:
            # Deactivation ends their credentials for good: reactivating them later does not
            # bring back a token or a session; they sign in again and get new tokens. On
            # reactivation too, so that none left from before this rule comes back either.
            ended = people_store.end_credentials(conn, person.id, now)
        if "unit_ids" in changes:
            people_store.set_memberships(conn, person.id, changes["unit_ids"])
        updated = people_store.get_person(conn, workspace.id, person.id)
        after = _audited(updated)
        if "password" in changes:
            after["password_changed"] = True  # that it changed, never the password or hash
        after.update(ended)
        audit(
            conn, caller, workspace, "update", "person", person.id, now, before=before, after=after
        )
    return updated


def _audited(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "role": person.role.value,
        "active": person.active,
        "unit_ids": list(person.unit_ids),
    }


def set_password(
    uow: UnitOfWork,
    workspace: Workspace,
    email: str,
    password: str,
    *,
    clock: Callable[[], datetime],
) -> None:
    """Give a person a new password (stored only as an argon2 hash)."""
    problems = validation.validate_password(password)
    if problems:
        raise ValidationFailed(problems)
    with uow:
        person = people_store.find_person_by_email(
            uow.conn, workspace.id, validation.normalise_email(email)
        )
        if person is None:
            raise NotFound(f"no person has the email {email}")
        now = clock()
        people_store.set_password_hash(uow.conn, person.id, hash_password(password), now)
        end_sessions(uow.conn, person.id, now)


@dataclass(frozen=True, slots=True)
class NewToken:
    id: int
    token: str  # shown once; only its hash is stored


def create_token(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    email: str,
    name: str = "cli",
    caller: Caller,
    clock: Callable[[], datetime],
) -> NewToken:
    """Create a personal API token for a person; the token is returned once, never stored."""
    problems = validation.validate_title("name", name)
    if problems:
        raise ValidationFailed(problems)
    name = name.strip()
    now = clock()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        conn = uow.conn
        found = people_store.find_person_by_email(
            conn, workspace.id, validation.normalise_email(email)
        )
        # Read again, held until the token is stored: a deactivation at the same time either
        # comes first (no token) or waits, then revokes this token with the rest.
        person = found and people_store.acting_person(conn, workspace.id, found.id)
        if person is None or not person.active:
            raise NotFound(f"no active person has the email {email} in {workspace.name}")
        require(
            caller,
            conn,
            workspace,
            f"create a token for {person.email}",
            lambda actor, _tree: actor.person_id == person.id or permissions.can_admin(actor),
            units=(),
        )
        token_id = token_store.add_token(
            conn, workspace.id, person.id, name, hash_token(token), now
        )
        after = {"person_id": person.id, "name": name}  # never the token or its hash
        audit(conn, caller, workspace, "create", "api_token", token_id, now, after=after)
    return NewToken(id=token_id, token=token)
