"""The text rule in the web app: a form holding what the rule refuses is a 422 page naming the
field, as the API and a workspace document refuse it, and a page's `as_of` is an ISO date."""

from __future__ import annotations

import pytest
from browsing import CEO, DemoSite, sign_in
from playwright.sync_api import Page

HOSTILE_NAMES = {
    "\u200b\u200b": "must hold a visible character",
    "Mallory \u202eNIMDA": "must not contain bidirectional override",
    "Line\nbreak": "must be a single line",
    "Bell\x07": "must not contain control characters (U+0007)",
}


def test_a_person_form_with_a_hostile_name_is_refused_naming_the_field(
    page: Page, demo: DemoSite
) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(demo.base_url + "/people")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    for name, says in HOSTILE_NAMES.items():
        answer = page.request.post(
            demo.base_url + "/people",
            form={"csrf_token": csrf, "name": name, "email": "hostile@x.example", "role": "member"},
        )
        assert answer.status == 422, name
        assert says in answer.text(), name
    assert demo.scalar("SELECT count(*) FROM person WHERE email = 'hostile@x.example'") == 0


@pytest.mark.parametrize("as_of", ["0", "20261116"])
def test_a_page_as_of_a_number_is_refused(page: Page, demo: DemoSite, as_of: str) -> None:
    sign_in(page, demo.base_url, CEO)
    answer = page.goto(f"{demo.base_url}/kpis?as_of={as_of}")
    assert answer is not None
    assert answer.status == 422
    assert "must be an ISO 8601 date (YYYY-MM-DD)" in page.content()
