"""People and their personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher

from headway.domain import permissions, validation
from headway.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from headway.domain.model import Role, Workspace
from headway.services.actors import Caller, admins_only, audit, require
from headway.store import repository as repo
from headway.store import tables as t
from headway.store.uow import UnitOfWork
from headway.store.writes import insert_row

TOKEN_PREFIX = "hw_"  # noqa: S105 - a visible prefix, not a secret
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return PasswordHasher().hash(password)


def hash_token(token: str) -> str:
    """Tokens are long and random, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


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
    """Add a person to the workspace; their id."""
    now = clock()
    normalised = validation.normalise_email(email)
    problems = validation.validate_email(email) + validation.validate_title("name", name)
    if role not in {r.value for r in Role}:
        problems.append(FieldProblem("role", "must be one of admin, member, viewer"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            FieldProblem("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        )
    with uow:
        conn = uow.conn
        require(caller, conn, workspace, "add people", admins_only)
        units: dict[str, int] = {}
        for unit in repo.load_units(conn, workspace.id):
            units[unit.name] = unit.id
            if unit.key:
                units[unit.key] = unit.id
        unknown = [k for k in unit_keys if k not in units]
        problems += [FieldProblem("units", f"no unit has the key or name {k!r}") for k in unknown]
        if problems:
            raise ValidationFailed(problems)
        if repo.find_person_by_email(conn, workspace.id, normalised) is not None:
            raise Conflict(f"{normalised} is already a person in {workspace.name}")
        values = {"name": name.strip(), "email": normalised, "role": role, "active": True}
        person_id = insert_row(
            conn,
            t.person,
            now,
            workspace_id=workspace.id,
            password_hash=hash_password(password) if password else None,
            **values,
        )
        for key in dict.fromkeys(unit_keys):
            conn.execute(t.person_unit.insert().values(person_id=person_id, unit_id=units[key]))
        # The audit keeps who was added, never the password hash.
        after = {**values, "units": list(unit_keys)}
        audit(conn, caller, workspace, "create", "person", person_id, now, after=after)
    return person_id


def set_password(
    uow: UnitOfWork,
    workspace: Workspace,
    email: str,
    password: str,
    *,
    clock: Callable[[], datetime],
) -> None:
    """Give a person a new password (stored only as an argon2 hash)."""
    with uow:
        person = repo.find_person_by_email(
            uow.conn, workspace.id, validation.normalise_email(email)
        )
        if person is None:
            raise NotFound(f"no person has the email {email}")
        uow.conn.execute(
            t.person.update()
            .where(t.person.c.id == person.id)
            .values(password_hash=hash_password(password), updated_at=clock())
        )


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
    now = clock()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        conn = uow.conn
        person = repo.find_person_by_email(conn, workspace.id, validation.normalise_email(email))
        if person is None or not person.active:
            raise NotFound(f"no active person has the email {email} in {workspace.name}")
        require(
            caller,
            conn,
            workspace,
            f"create a token for {person.email}",
            lambda actor, _tree: actor.person_id == person.id or permissions.can_admin(actor),
        )
        token_id = insert_row(
            conn,
            t.api_token,
            now,
            workspace_id=workspace.id,
            person_id=person.id,
            name=name,
            token_hash=hash_token(token),
        )
        after = {"person_id": person.id, "name": name}  # never the token or its hash
        audit(conn, caller, workspace, "create", "api_token", token_id, now, after=after)
    return NewToken(id=token_id, token=token)
