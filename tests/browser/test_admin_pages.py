"""The pages beyond the daily check-in: alignment, teams, periods, people and tokens."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa
from browsing import DemoSite, sign_in
from playwright.sync_api import Browser, Page, expect

CEO = "ceo@northwind.example"
VIEWER = "board@northwind.example"


def _id(demo: DemoSite, sql: str, **params: object) -> int:
    return int(str(demo.scalar(sql, **params)))


def test_the_alignment_tree_nests_objectives_under_what_they_serve(
    page: Page, demo: DemoSite
) -> None:
    sign_in(page, demo.base_url, CEO)
    page.get_by_role("link", name="Alignment").click()
    sales = page.locator(".tree li").filter(
        has=page.get_by_role("link", name="Win more of the deals we start", exact=True)
    )
    expect(sales.locator("ul").get_by_role("link", name="Open the DACH market")).to_be_visible()
    top = page.locator(".tree > li > .tree-row a")
    expect(top.first).to_have_text("Become the obvious choice for mid-market teams")


def test_a_team_page_shows_its_objectives_kpis_and_people(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.get_by_role("link", name="Teams", exact=True).click()
    page.get_by_role("link", name="Sales", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sales")
    expect(page.get_by_role("link", name="Win more of the deals we start")).to_be_visible()
    expect(page.get_by_role("link", name="Qualified pipeline")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Priya Nair")
    expect(page.get_by_role("link", name="Sales EMEA")).to_be_visible()


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


def test_a_member_writes_a_new_okr_for_their_team(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, "chen@northwind.example")
    page.get_by_role("link", name="New objective").click()
    page.get_by_role("button", name="Create objective").click()
    expect(page.locator("#title-error")).to_have_text("must not be empty")
    page.get_by_label("Title").fill("Become the voice of the category")
    page.get_by_label("Owning team").select_option(label="· Marketing")
    page.get_by_label("Type").select_option("aspirational")
    page.get_by_label("Contributes to").select_option(
        label="Become the obvious choice for mid-market teams"
    )
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Become the voice of the category")
    expect(page.locator(".crumbs")).to_contain_text("Become the obvious choice")

    page.get_by_text("Add a key result").click()
    form = page.locator("#new-kr form")
    form.get_by_label("Title").fill("Podcast listeners from 0 to 5,000")
    form.get_by_label("Start").fill("0")
    form.get_by_label("Target").fill("0")
    form.get_by_role("button", name="Add key result").click()
    expect(page.locator("#kr-new-target-error")).to_have_text("must differ from start")
    expect(page.locator("#new-kr").get_by_label("Title")).to_have_value(
        "Podcast listeners from 0 to 5,000"
    )
    page.locator("#new-kr").get_by_label("Target").fill("5000")
    page.locator("#new-kr").get_by_role("button", name="Add key result").click()
    card = page.locator("article.kr").filter(has_text="Podcast listeners from 0 to 5,000")
    card.get_by_label("Value").fill("2500")
    card.get_by_role("button", name="Check in").click()
    expect(card.locator(".kr-figures > .num")).to_have_text("50%")


def test_a_member_cannot_create_an_objective_for_another_team(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, "chen@northwind.example")
    page.goto(demo.base_url + "/objectives/new")
    page.get_by_label("Title").fill("Sell more")
    page.get_by_label("Owning team").select_option(label="· Sales")
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_role("alert")).to_contain_text("may not create an objective")
    expect(page.get_by_label("Title")).to_have_value("Sell more")
    assert demo.scalar("SELECT count(*) FROM objective WHERE title = 'Sell more'") == 0


def test_an_objective_is_renamed_and_one_with_children_is_not_deleted(
    page: Page, fresh_demo: DemoSite
) -> None:
    demo = fresh_demo
    objective_id = _id(
        demo,
        "SELECT id FROM objective WHERE title = 'Become the obvious choice for mid-market teams'",
    )
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/objectives/{objective_id}")
    page.get_by_text("Edit the objective").click()
    page.locator("#edit-title").fill("Be the obvious choice for mid-market teams")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Be the obvious choice for mid-market teams"
    )
    page.get_by_text("Edit the objective").click()
    page.get_by_role("button", name="Delete the objective").click()
    expect(page.get_by_role("alert")).to_contain_text("aligned under it")
    assert demo.scalar("SELECT count(*) FROM objective WHERE id = :o", o=objective_id) == 1


def test_an_off_target_kpi_starts_an_okr_edited_before_saving(page: Page, demo: DemoSite) -> None:
    kpi_id = _id(demo, "SELECT id FROM kpi WHERE name = 'Annual Recurring Revenue'")
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/kpis/{kpi_id}")
    proposal = page.locator("section.propose")
    expect(proposal.get_by_role("heading")).to_have_text("Start an OKR from this KPI")
    expect(proposal.get_by_label("Objective")).to_have_value("Improve Annual Recurring Revenue")
    expect(proposal.get_by_label("Target")).to_have_value("6000000")
    proposal.get_by_label("Target").fill(proposal.get_by_label("Start").input_value())
    proposal.get_by_role("button", name="Save the OKR").click()
    expect(page.locator("#okr-target_value-error")).to_have_text("must differ from start")

    proposal = page.locator("section.propose")
    proposal.get_by_label("Objective").fill("Get ARR back on plan")
    proposal.get_by_label("Target").fill("6,100,000")
    proposal.get_by_role("button", name="Save the OKR").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get ARR back on plan")
    expect(page.locator("main")).to_contain_text("draft")
    expect(page.get_by_role("link", name="Annual Recurring Revenue")).to_be_visible()

    page.goto(f"{demo.base_url}/kpis/{kpi_id}")
    expect(page.locator("section.propose")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Get ARR back on plan")


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


def test_a_key_result_is_corrected_without_losing_precision_and_deleted(
    page: Page, demo: DemoSite
) -> None:
    objective_id = _id(demo, "SELECT id FROM objective WHERE title = 'Open the DACH market'")
    kr_id = _id(
        demo,
        "SELECT id FROM key_result WHERE objective_id = :o AND kind = 'metric' ORDER BY id LIMIT 1",
        o=objective_id,
    )
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/objectives/{objective_id}")

    def edit(**fields: str) -> None:
        card = page.locator(f"#kr-{kr_id}")
        card.locator("details.kr-edit summary").click()
        for name, value in fields.items():
            card.locator(f"#kr-{kr_id}-{name}").fill(value)
        card.locator("details.kr-edit").get_by_role("button", name="Save").click()

    edit(start="0.123456789", target="0.123456789")
    expect(page.locator(f"#kr-{kr_id}-target-error")).to_have_text("must differ from start")
    page.goto(f"{demo.base_url}/objectives/{objective_id}")
    edit(start="0.123456789", target="1234.56789")
    page.goto(f"{demo.base_url}/objectives/{objective_id}")
    edit(**{"title-edit": "Corrected title"})  # the figures go back as the form shows them
    expect(page.locator(f"#kr-{kr_id}-title")).to_have_text("Corrected title")
    figures = "SELECT start_value, target_value FROM key_result WHERE id = :k"
    with demo.engine.connect() as connection:
        stored = connection.execute(sa.text(figures), {"k": kr_id}).one()
    assert tuple(stored) == (0.123456789, 1234.56789)

    page.locator(f"#kr-{kr_id} details.kr-edit summary").click()
    page.locator(f"#kr-{kr_id}").get_by_role("button", name="Delete").click()
    expect(page.locator(f"#kr-{kr_id}")).to_have_count(0)
    assert demo.scalar("SELECT count(*) FROM key_result WHERE id = :k", k=kr_id) == 0


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


def test_a_member_defines_a_kpi_for_their_team_then_changes_it(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, "chen@northwind.example")
    page.goto(demo.base_url + "/kpis")
    page.get_by_role("link", name="New KPI").click()
    page.get_by_label("Name").fill("Newsletter subscribers")
    page.get_by_label("Direction").select_option("in_range")
    page.get_by_label("Target").fill("5000")
    page.get_by_role("button", name="Create KPI").click()
    expect(page.locator("main .error, main .field-error").first).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Newsletter subscribers")
    assert demo.scalar("SELECT count(*) FROM kpi WHERE name = 'Newsletter subscribers'") == 0

    page.get_by_label("Direction").select_option("higher_is_better")
    page.get_by_label("Owning team").select_option(label="· Marketing")
    page.get_by_label("Category").fill("Marketing")
    page.get_by_label("Unit").fill("people")
    page.get_by_label("Warning at").fill("4,000")
    page.get_by_label("Cadence").select_option("weekly")
    page.get_by_role("button", name="Create KPI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter subscribers")
    expect(page.locator("main")).to_contain_text("target 5,000 people · warning 4,000")

    page.get_by_text("Edit the KPI").click()
    page.locator("#kpi-target").fill("6000")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("main")).to_contain_text("target 6,000 people")
    page.get_by_text("Edit the KPI").click()
    page.get_by_role("button", name="Delete the KPI and its measurements").click()
    expect(page.get_by_role("heading", name="KPIs")).to_be_visible()
    assert demo.scalar("SELECT count(*) FROM kpi WHERE name = 'Newsletter subscribers'") == 0


def test_a_member_cannot_define_a_kpi_for_another_team(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, "chen@northwind.example")
    page.goto(demo.base_url + "/kpis/new")
    page.get_by_label("Name").fill("Deals won")
    page.get_by_label("Owning team").select_option(label="· Sales")
    page.get_by_label("Target").fill("10")
    page.get_by_role("button", name="Create KPI").click()
    expect(page.get_by_role("alert")).to_contain_text("may not create a KPI")
    kpi_id = _id(demo, "SELECT id FROM kpi WHERE name = 'Qualified pipeline'")
    page.goto(f"{demo.base_url}/kpis/{kpi_id}")
    expect(page.get_by_text("Edit the KPI")).to_have_count(0)
