"""What the database refuses when writers meet, as the domain's `Conflict` (answered 409).

Services check every rule before they write, under the locks that make the check hold
(`store/rows.py::locked`, `store/workspaces.py::lock_workspace`). This is the net under them:
a unique or foreign key constraint the database enforces, a deadlock, or a serialization
failure becomes a `Conflict` naming the field where one can be told, never a 500.
"""

from __future__ import annotations

import re

import sqlalchemy.exc as sa_exc

from headway.domain.errors import Busy, Conflict

# SQLSTATEs (PostgreSQL, Appendix A): a writer lost a race and may simply try again.
_RETRYABLE = {"40001": "serialization failure", "40P01": "deadlock"}
_UNIQUE, _FOREIGN_KEY = "23505", "23503"
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: a lock not got within lock_timeout (or NOWAIT)
# SQLite's result codes: another connection holds the lock past the busy timeout.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6

# PostgreSQL's detail: `Key (workspace_id, email)=(1, a@example.com) already exists.`
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")
_PG_REFERENCED = re.compile(r'still referenced from table "([^"]+)"')
_PG_MISSING = re.compile(r'is not present in table "([^"]+)"')
# SQLite's message: `UNIQUE constraint failed: person.workspace_id, person.email`.
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def _field(columns: list[str]) -> str | None:
    """The field a constraint's columns name: the last one but the workspace it is in."""
    named = [c.strip().rsplit(".", 1)[-1] for c in columns if c.strip()]
    named = [c for c in named if c != "workspace_id"] or named
    return named[-1] if named else None


def _sqlstate(exc: sa_exc.DBAPIError) -> str | None:
    state = getattr(exc.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _detail(exc: sa_exc.DBAPIError) -> str:
    diag = getattr(exc.orig, "diag", None)
    detail = getattr(diag, "message_detail", None)
    return detail if isinstance(detail, str) else str(exc.orig)


def _integrity_conflict(exc: sa_exc.IntegrityError) -> Conflict:
    state = _sqlstate(exc)
    text = str(exc.orig)
    if state is not None:  # PostgreSQL
        detail = _detail(exc)
        key = _PG_KEY.search(detail)
        field = _field(key.group(1).split(",")) if key else None
        if state == _UNIQUE:
            return Conflict(f"{field or 'a value'} is already in use", field=field)
        if state == _FOREIGN_KEY:
            referenced = _PG_REFERENCED.search(detail)
            if referenced:
                return Conflict(f"it is still referred to by a {referenced.group(1)} row")
            missing = _PG_MISSING.search(detail)
            what = missing.group(1) if missing else "row"
            return Conflict(f"the {what} it refers to no longer exists", field=field)
        return Conflict("the change clashes with the stored data", field=field)
    unique = _SQLITE_UNIQUE.search(text)
    if unique:
        field = _field(unique.group(1).split(","))
        return Conflict(f"{field or 'a value'} is already in use", field=field)
    if "FOREIGN KEY" in text:
        return Conflict("a row it refers to, or that refers to it, changed meanwhile")
    return Conflict("the change clashes with the stored data")


def as_conflict(exc: BaseException) -> Conflict | None:
    """The `Conflict` a database error stands for; None when it is not one of those."""
    if isinstance(exc, sa_exc.IntegrityError):
        return _integrity_conflict(exc)
    if isinstance(exc, sa_exc.DBAPIError):
        reason = _RETRYABLE.get(_sqlstate(exc) or "")
        if reason is not None:
            return Conflict(f"another change was made at the same time ({reason}): try again")
    return None


def as_busy(exc: BaseException) -> Busy | None:
    """`Busy` when the database error says a lock could not be had in time (SQLite's
    "database is locked" past the busy timeout; PostgreSQL's lock_timeout); None otherwise.

    The one place that reads these errors: the unit of work raises `Busy` for them, which
    the web layer answers 503 with Retry-After and the CLI reports as a message.
    """
    if not isinstance(exc, sa_exc.OperationalError):
        return None
    if _sqlstate(exc) == _LOCK_NOT_AVAILABLE:
        return Busy()
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return Busy()
    text = str(exc.orig)
    if "database is locked" in text or "database table is locked" in text:
        return Busy()
    return None
