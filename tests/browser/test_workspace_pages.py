"""The pages that run the workspace: periods, people, units, tokens and passwords."""

from __future__ import annotations

import re

import httpx
from browsing import CEO, DemoSite, sign_in
from browsing import row_id as _id
from playwright.sync_api import Browser, Page, expect

VIEWER = "board@northwind.example"


def test_a_bad_period_keeps_what_was_typed_and_names_each_field(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(demo.base_url + "/periods")
    page.get_by_label("Name").fill("Autumn push")
    page.get_by_label("Kind").select_option("custom")
    page.get_by_label("Start").fill("2026-10-20")
    page.get_by_label("End").fill("2026-10-01")
    page.get_by_role("button", name="Add period").click()
    expect(page.locator("#end_date-error")).to_contain_text("start")
    expect(page.get_by_label("Name")).to_have_value("Autumn push")
    expect(page.get_by_label("Kind")).to_have_value("custom")
    assert demo.scalar("SELECT count(*) FROM period WHERE name = 'Autumn push'") == 0


def test_an_admin_plans_a_period(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(demo.base_url + "/periods")
    page.get_by_label("Name").fill("Hackathon week")
    page.get_by_label("Kind").select_option("custom")
    page.get_by_label("Start").fill("2026-12-07")
    page.get_by_label("End").fill("2026-12-11")
    page.get_by_role("button", name="Add period").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hackathon week")
    expect(page.locator("main")).to_contain_text("2026-12-07 to 2026-12-11 · planning")


def test_closing_a_period_grades_its_okrs_and_freezes_them(
    page: Page, fresh_demo: DemoSite
) -> None:
    demo = fresh_demo
    period_id = _id(demo, "SELECT id FROM period WHERE name = '2026-Q4'")
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/periods/{period_id}")
    page.get_by_label("What worked").fill("Weekly check-ins")
    page.get_by_role("button", name="Close the period").click()
    expect(page.locator("#confirm-error")).to_contain_text("tick the box")
    expect(page.get_by_label("What worked")).to_have_value("Weekly check-ins")
    assert demo.scalar("SELECT state FROM period WHERE id = :p", p=period_id) == "active"

    page.get_by_label("Grade and close 2026-Q4 now").check()
    page.get_by_role("button", name="Close the period").click()
    expect(page.get_by_role("heading", name="Grades")).to_be_visible()
    grades = page.locator("#grades-h + p + .table-wrap")
    expect(grades.get_by_role("link", name="Win more of the deals we start")).to_be_visible()
    expect(grades.locator(".chip").first).to_have_text(re.compile(r"(green|yellow|red) · "))
    expect(page.get_by_label("What worked")).to_have_value("Weekly check-ins")

    objective_id = _id(demo, "SELECT id FROM objective WHERE period_id = :p LIMIT 1", p=period_id)
    page.goto(f"{demo.base_url}/objectives/{objective_id}")
    expect(page.locator("main")).to_contain_text("is closed: its OKRs are read-only")
    expect(page.get_by_role("button", name="Check in")).to_have_count(0)


def test_a_token_is_shown_once_works_on_the_api_and_can_be_revoked(
    page: Page, demo: DemoSite
) -> None:
    sign_in(page, demo.base_url, CEO)
    page.get_by_role("link", name="My tokens").click()
    page.get_by_label("Name").fill("browser test")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("Name")).to_have_attribute("placeholder", "e.g. reporting script")
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("hw_")
    api = f"{demo.base_url}/api/v1/units"
    assert httpx.get(api, headers={"Authorization": f"Bearer {token}"}).status_code == 200

    page.goto(demo.base_url + "/tokens")
    expect(page.locator("main")).not_to_contain_text(token)
    row = page.get_by_role("row").filter(has_text="browser test")
    expect(row).to_contain_text("active")
    row.get_by_role("button", name="Revoke browser test").click()
    expect(page.get_by_role("row").filter(has_text="browser test")).to_contain_text("revoked")
    assert httpx.get(api, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_admin_adds_a_person_who_can_then_sign_in(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(demo.base_url + "/people")
    form = page.locator("form[action='/people']")
    form.get_by_label("Name").fill("Dana Scully")
    form.get_by_label("Email").fill("dana@northwind.example")
    form.get_by_label("Role").select_option("member")
    form.get_by_label("Units").select_option(label="· Marketing")
    form.get_by_label("Password").fill("trust-no-one-42")
    form.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("row").filter(has_text="dana@northwind.example")).to_contain_text(
        "Marketing"
    )
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo.base_url, "dana@northwind.example", "trust-no-one-42")
    expect(page.locator(".who")).to_contain_text("Dana Scully")


def test_a_duplicate_email_is_refused_beside_the_form(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(demo.base_url + "/people")
    form = page.locator("form[action='/people']")
    form.get_by_label("Name").fill("Second Chen")
    form.get_by_label("Email").fill("chen@northwind.example")
    form.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("alert")).to_contain_text("chen@northwind.example")
    expect(page.locator("form[action='/people']").get_by_label("Name")).to_have_value("Second Chen")


def test_units_are_added_and_one_that_owns_okrs_is_not_deleted(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(demo.base_url + "/units")
    form = page.locator("form[action='/units']")
    form.get_by_label("Name").fill("Growth")
    form.get_by_label("Part of").select_option(label="Marketing")
    form.get_by_role("button", name="Add unit").click()
    expect(page.get_by_role("link", name="Growth")).to_be_visible()

    sales_id = _id(demo, "SELECT id FROM unit WHERE name = 'Sales'")
    row = page.locator(f"#unit-{sales_id}")
    row.locator("summary").first.click()
    row.get_by_role("button", name="Delete").click()
    refusal = page.locator(f"#unit-{sales_id}").get_by_role("alert")
    expect(refusal).to_contain_text("still has units below it, objectives")
    assert demo.scalar("SELECT count(*) FROM unit WHERE id = :u", u=sales_id) == 1


def test_a_viewer_reads_everything_but_gets_no_admin_forms(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, VIEWER)
    for path, form in (("/people", "Add a person"), ("/periods", "Plan a period")):
        page.goto(demo.base_url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name=form)).to_have_count(0)
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    forged = page.request.post(
        demo.base_url + "/people",
        form={"csrf_token": csrf, "name": "Mallory", "email": "m@x.example", "role": "admin"},
    )
    assert forged.status == 403
    assert demo.scalar("SELECT count(*) FROM person WHERE email = 'm@x.example'") == 0


def test_odd_unit_ids_are_a_field_error_not_a_crash(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(demo.base_url + "/people")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    for odd in ("²", "١", "1" * 5000, "-"):
        answer = page.request.post(
            demo.base_url + "/people",
            form={"csrf_token": csrf, "name": "Odd", "email": "odd@x.example", "role": "member"}
            | {"unit_ids": odd},
        )
        assert answer.status == 422, odd
        assert "must be a whole number" in answer.text()
    assert demo.scalar("SELECT count(*) FROM person WHERE email = 'odd@x.example'") == 0


def test_a_planned_period_is_started_and_a_bad_plan_is_refused(page: Page, demo: DemoSite) -> None:
    period_id = _id(demo, "SELECT id FROM period WHERE name = '2027-Q1'")
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/periods/{period_id}")
    page.get_by_text("Plan 2027-Q1").click()
    page.locator("#plan-end").fill("2026-12-01")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#plan-end-error")).to_be_visible()
    expect(page.locator("#plan-end")).to_have_value("2026-12-01")
    page.locator("#plan-end").fill("2027-03-31")
    page.locator("#plan-state").select_option("active")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("main")).to_contain_text("2027-01-01 to 2027-03-31 · active")
    assert demo.scalar("SELECT state FROM period WHERE id = :p", p=period_id) == "active"


def test_people_change_their_own_password_and_other_sessions_end(
    browser: Browser, page: Page, demo: DemoSite
) -> None:
    other = browser.new_context()
    elsewhere = other.new_page()
    sign_in(elsewhere, demo.base_url, "rosa@northwind.example")
    sign_in(page, demo.base_url, "rosa@northwind.example")
    page.get_by_role("link", name="Rosa Delgado").click()
    page.get_by_label("Current password").fill("not it")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("short")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#current_password-error")).to_have_text("is not your password")
    expect(page.locator("#new_password-error")).to_contain_text("at least 8")

    page.get_by_label("Current password").fill("headway-demo")
    page.get_by_label("New password", exact=True).fill("rosa's new passphrase")
    page.get_by_label("Repeat the new password").fill("rosa's new passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    page.goto(demo.base_url + "/")  # this session goes on
    expect(page.get_by_role("heading", name="Overall progress")).to_be_visible()
    elsewhere.goto(demo.base_url + "/")  # the other one is over
    expect(elsewhere).to_have_url(re.compile(r"/login\?next="))
    other.close()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo.base_url, "rosa@northwind.example", "rosa's new passphrase")
    expect(page.get_by_role("heading", name="Overall progress")).to_be_visible()
