"""Units, people and API tokens as the API answers them."""

from __future__ import annotations

from headway.domain.model import Person, Role, TokenInfo, Unit, UnitKind
from headway.schemas.answer import Answer, Timestamp


class UnitOut(Answer):
    """A unit of the organisation tree."""

    id: int
    name: str
    kind: UnitKind
    parent_id: int | None

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        """The unit as the API answers it."""
        return cls.read(unit)


class PersonOut(Answer):
    """A person of the workspace, their role and units (never a password)."""

    id: int
    name: str
    email: str
    role: Role
    active: bool
    unit_ids: list[int]

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        """The person as the API answers them."""
        return cls.read(person)


class TokenOut(Answer):
    """An API token's details: never the token itself nor its hash."""

    id: int
    name: str
    person_id: int
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None

    @classmethod
    def of(cls, token: TokenInfo) -> TokenOut:
        """The token's details."""
        return cls.read(token)


class NewTokenOut(TokenOut):
    """A token just created: the only answer that carries the token itself."""

    token: str

    @classmethod
    def created(cls, info: TokenInfo, token: str) -> NewTokenOut:
        """The new token's details and the token, shown this once."""
        return cls.read(info, token=token)


class NotificationsOut(Answer):
    """Which e-mail a person gets: true receives it (the default), false opted out."""

    digest: bool
    kpi_alerts: bool

    @classmethod
    def of(cls, notifications: object) -> NotificationsOut:
        return cls.read(notifications)
