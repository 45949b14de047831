"""What the browser tests share besides fixtures: the demo site, signing in, finding rows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from playwright.sync_api import Page

DEMO_PASSWORD = "headway-demo"  # noqa: S105 - the demo company's published password
CEO = "ceo@northwind.example"  # the demo company's admin


@dataclass
class DemoSite:
    base_url: str
    database_url: str
    engine: sa.Engine

    def scalar(self, sql: str, **params: object) -> object:
        """One value from the demo database (to find rows by title, count what was stored)."""
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar_one()


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def row_id(demo: DemoSite, sql: str, **params: object) -> int:
    """The id of the one row `sql` finds in the demo database."""
    return int(str(demo.scalar(sql, **params)))
