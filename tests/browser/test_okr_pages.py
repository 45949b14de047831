"""The pages where OKRs and KPIs are written: alignment, teams, objectives, key results, KPIs."""

from __future__ import annotations

import sqlalchemy as sa
from browsing import CEO, DemoSite, sign_in
from browsing import row_id as _id
from playwright.sync_api import Page, expect


def test_the_alignment_tree_nests_objectives_under_what_they_serve(
    page: Page, demo: DemoSite
) -> None:
    sign_in(page, demo.base_url, CEO)
    page.get_by_role("link", name="Alignment").click()
    sales = page.locator(".tree li").filter(
        has=page.get_by_role("link", name="Win more of the deals we start", exact=True)
    )
    # A child's own row (People's hiring objective names it too, on its "Also serves" line).
    child = sales.locator("ul .tree-row").get_by_role("link", name="Open the DACH market")
    expect(child).to_be_visible()
    serves = page.locator(".tree li").filter(
        has=page.get_by_role("link", name="Hire the team for next year", exact=True)
    )
    expect(serves.locator(".also-serves")).to_contain_text("Also serves: Open the DACH market")
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


def test_a_member_writes_a_new_okr_for_their_team(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, "chen@northwind.example")
    page.get_by_role("link", name="New objective").click()
    page.get_by_role("button", name="Create objective").click()
    expect(page.locator("#title-error")).to_have_text("must not be empty")
    page.get_by_label("Title").fill("Become the voice of the category")
    page.get_by_label("Owning team").select_option(label="· Marketing")
    page.get_by_label("Type").select_option("aspirational")
    page.get_by_label("Contributes to", exact=True).select_option(
        label="Become the obvious choice for mid-market teams"
    )
    page.get_by_label("Also contributes to").select_option(label="Win more of the deals we start")
    page.get_by_role("button", name="Create objective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Become the voice of the category")
    expect(page.locator(".crumbs")).to_contain_text("Become the obvious choice")
    expect(page.locator("#contributions-h + p")).to_contain_text(
        "Contributes to: Win more of the deals we start"
    )

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


def _new_kpi_as_chen(page: Page, demo: DemoSite, name: str, team: str, target: str) -> None:
    """Chen (a Marketing member) on the new KPI form, its name, team and target filled in."""
    sign_in(page, demo.base_url, "chen@northwind.example")
    page.goto(demo.base_url + "/kpis/new")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Owning team").select_option(label=f"· {team}")
    page.get_by_label("Target").fill(target)


def test_a_kpi_form_takes_a_plausible_range_and_checks_it(page: Page, demo: DemoSite) -> None:
    _new_kpi_as_chen(page, demo, "Open rate", "Marketing", "40")
    page.get_by_label("Lowest plausible value").fill("100")
    page.get_by_label("Highest plausible value").fill("0")
    page.get_by_role("button", name="Create KPI").click()
    expect(page.locator("#kpi-max-value-error")).to_have_text("must not be below min_value (100)")
    page.get_by_label("Lowest plausible value").fill("0")
    page.get_by_label("Highest plausible value").fill("100")
    page.get_by_role("button", name="Create KPI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open rate")
    query = "SELECT min_value || '-' || max_value FROM kpi WHERE name = 'Open rate'"
    assert demo.scalar(query) == "0.0-100.0"


def test_a_member_cannot_define_a_kpi_for_another_team(page: Page, demo: DemoSite) -> None:
    _new_kpi_as_chen(page, demo, "Deals won", "Sales", "10")
    page.get_by_role("button", name="Create KPI").click()
    expect(page.get_by_role("alert")).to_contain_text("may not create a KPI")
    kpi_id = _id(demo, "SELECT id FROM kpi WHERE name = 'Qualified pipeline'")
    page.goto(f"{demo.base_url}/kpis/{kpi_id}")
    expect(page.get_by_text("Edit the KPI")).to_have_count(0)
