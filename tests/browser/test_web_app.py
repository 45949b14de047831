"""The web app as people use it, in Chromium: signing in, the dashboard, checking in, KPIs."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from browsing import DemoSite, sign_in
from playwright.sync_api import Browser, Page, expect

from headway.config import load_settings
from headway.domain.model import Objective
from headway.services.access.actors import Caller
from headway.services.access.workspaces import resolve_workspace
from headway.services.okrs.objectives import create_objective
from headway.store.uow import make_uow

CEO = "ceo@northwind.example"
MARKETING_MEMBER = "chen@northwind.example"
MARKETING_OBJECTIVE = "Be the voice of outcome-driven teams"
SALES_OBJECTIVE = "Win more of the deals we start"


def _objective_id(demo: DemoSite, title: str) -> int:
    return int(str(demo.scalar("SELECT id FROM objective WHERE title = :t", t=title)))


def _manual_metric(demo: DemoSite, objective_id: int) -> tuple[int, float]:
    """The first metric key result of the objective that takes check-ins, and its target."""
    kr_id = demo.scalar(
        "SELECT id FROM key_result WHERE objective_id = :o AND kind = 'metric'"
        " AND kpi_id IS NULL ORDER BY position LIMIT 1",
        o=objective_id,
    )
    target = demo.scalar("SELECT target_value FROM key_result WHERE id = :k", k=kr_id)
    return int(str(kr_id)), float(str(target))


def _open_as_marketing_member(page: Page, demo: DemoSite) -> tuple[int, int, float]:
    """Sign in as the Marketing member and open their objective: its id, a key result that
    takes check-ins, and that key result's target."""
    objective_id = _objective_id(demo, MARKETING_OBJECTIVE)
    kr_id, target = _manual_metric(demo, objective_id)
    sign_in(page, demo.base_url, MARKETING_MEMBER)
    page.goto(f"{demo.base_url}/objectives/{objective_id}")
    return objective_id, kr_id, target


def _check_ins(demo: DemoSite, kr_id: int) -> int:
    return int(str(demo.scalar("SELECT count(*) FROM check_in WHERE key_result_id = :k", k=kr_id)))


def test_signing_in_shows_the_demo_company_dashboard(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    expect(page).to_have_url(re.compile(r"/(\?period=\d+.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northwind Labs")
    expect(page.get_by_role("heading", name="Overall progress")).to_be_visible()
    expect(page.get_by_role("link", name=SALES_OBJECTIVE).first).to_be_visible()
    expect(page.get_by_role("heading", name="KPI health")).to_be_visible()
    expect(page.get_by_role("heading", name="Coaching")).to_be_visible()
    # Status is written out, never shown by colour alone.
    expect(
        page.locator(".chip").filter(has_text=re.compile("on track|at risk|off track")).first
    ).to_be_visible()


def test_a_wrong_password_is_refused_and_signs_nobody_in(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO, password="not-the-password")
    expect(page.get_by_role("alert")).to_have_text("the email or the password is wrong")
    expect(page.get_by_label("Email")).to_have_value(CEO)
    page.goto(demo.base_url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def test_signing_in_works_from_the_keyboard_alone(page: Page, demo: DemoSite) -> None:
    page.goto(demo.base_url + "/login")
    # The email field takes the focus on arrival (autofocus lands once the page is parsed).
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(CEO)
    page.keyboard.press("Tab")
    page.keyboard.type("headway-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Overall progress")).to_be_visible()


def test_a_check_in_through_the_form_moves_the_score_in_place(page: Page, demo: DemoSite) -> None:
    objective_id, kr_id, target = _open_as_marketing_member(page, demo)
    card = page.locator(f"#kr-{kr_id}")
    score = card.locator(".kr-figures > .num")
    assert score.inner_text() != "100%"
    page.set_viewport_size({"width": 1000, "height": 480})  # short, so the form needs a scroll
    card.get_by_role("button", name="Check in").scroll_into_view_if_needed()
    page.evaluate("window.stillTheSamePage = true")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0

    card.get_by_label("Value").fill(f"{target:g}")
    card.get_by_label("Confidence").fill("8")
    card.get_by_label("Note").fill("Hit the target in the browser test")
    card.get_by_role("button", name="Check in").click()

    expect(page.locator(f"#kr-{kr_id} .kr-figures > .num")).to_have_text("100%")
    expect(page.locator(f"#kr-{kr_id} .kr-head .chip")).to_contain_text("achieved")
    expect(page.get_by_role("status").first).to_have_text("Check-in saved.")
    assert page.evaluate("window.stillTheSamePage") is True  # updated in place, no reload
    assert abs(page.evaluate("window.scrollY") - scrolled) <= 2
    history = page.locator(f"#kr-{kr_id} details.history")
    history.locator("summary").click()
    expect(history).to_contain_text("Hit the target in the browser test")
    expect(history).to_contain_text("Chen Wei")


def test_without_javascript_a_check_in_posts_and_comes_back(
    browser: Browser, demo: DemoSite
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    objective_id, kr_id, _ = _open_as_marketing_member(page, demo)
    before = _check_ins(demo, kr_id)
    card = page.locator(f"#kr-{kr_id}")
    card.get_by_label("Value").fill("1")
    card.get_by_role("button", name="Check in").click()
    expect(page).to_have_url(re.compile(rf"/objectives/{objective_id}#kr-{kr_id}$"))
    assert _check_ins(demo, kr_id) == before + 1
    context.close()


def test_a_decimal_comma_is_refused_rather_than_read_as_a_thousands_separator(
    page: Page, demo: DemoSite
) -> None:
    objective_id, kr_id, _ = _open_as_marketing_member(page, demo)
    before = _check_ins(demo, kr_id)
    page.locator(f"#kr-{kr_id}").get_by_label("Value").fill("5,7")
    page.locator(f"#kr-{kr_id}").get_by_role("button", name="Check in").click()
    expect(page.locator(f"#value-{kr_id}-error")).to_contain_text("use a point for decimals")
    assert _check_ins(demo, kr_id) == before
    page.locator(f"#kr-{kr_id}").get_by_label("Value").fill("1,234.5")
    page.locator(f"#kr-{kr_id}").get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status").first).to_have_text("Check-in saved.")
    value = demo.scalar(
        "SELECT value FROM check_in WHERE key_result_id = :k ORDER BY id DESC LIMIT 1", k=kr_id
    )
    assert value == 1234.5


def test_a_refusal_that_is_not_a_field_error_shows_as_a_whole_page(
    page: Page, demo: DemoSite
) -> None:
    objective_id, kr_id, _ = _open_as_marketing_member(page, demo)
    card = page.locator(f"#kr-{kr_id}")
    card.locator(".checkin-form input[name=csrf_token]").evaluate("f => { f.value = 'stale' }")
    card.get_by_label("Value").fill("3")
    card.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forbidden")
    expect(page.locator("main")).to_contain_text("reload the page")
    expect(page.locator("#objective-body")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # still signed in


def test_a_bad_check_in_shows_the_error_beside_the_field_and_keeps_the_input(
    page: Page, demo: DemoSite
) -> None:
    objective_id, kr_id, _ = _open_as_marketing_member(page, demo)
    before = _check_ins(demo, kr_id)
    card = page.locator(f"#kr-{kr_id}")
    card.get_by_label("Value").fill("lots")
    card.get_by_role("button", name="Check in").click()
    card = page.locator(f"#kr-{kr_id}")
    expect(card.locator(f"#value-{kr_id}-error")).to_have_text("must be a number")
    expect(card.get_by_label("Value")).to_have_value("lots")
    expect(card.get_by_label("Value")).to_be_focused()

    card.get_by_label("Value").fill("12")
    card.get_by_label("Confidence").fill("11")
    card.get_by_role("button", name="Check in").click()
    card = page.locator(f"#kr-{kr_id}")
    expect(card.locator(f"#confidence-{kr_id}-error")).to_have_text("must be from 0 to 10")
    expect(card.get_by_label("Confidence")).to_have_value("11")
    assert _check_ins(demo, kr_id) == before


def test_a_member_of_another_unit_sees_no_edit_controls_and_a_forged_post_is_refused(
    page: Page, demo: DemoSite
) -> None:
    objective_id = _objective_id(demo, SALES_OBJECTIVE)
    kr_id, _ = _manual_metric(demo, objective_id)
    before = _check_ins(demo, kr_id)
    sign_in(page, demo.base_url, MARKETING_MEMBER)
    page.goto(f"{demo.base_url}/objectives/{objective_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(SALES_OBJECTIVE)
    expect(page.get_by_role("button", name="Check in")).to_have_count(0)
    expect(page.get_by_text("Add an initiative")).to_have_count(0)
    expect(page.locator("main select")).to_have_count(0)

    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    url = f"{demo.base_url}/objectives/{objective_id}/key-results/{kr_id}/check-ins"
    forged = page.request.post(url, form={"csrf_token": csrf or "", "value": "1"})
    assert forged.status == 403
    assert "may not check in" in forged.text()
    assert _check_ins(demo, kr_id) == before


def test_a_post_without_the_sessions_csrf_token_is_refused(page: Page, demo: DemoSite) -> None:
    objective_id = _objective_id(demo, MARKETING_OBJECTIVE)
    kr_id, _ = _manual_metric(demo, objective_id)
    before = _check_ins(demo, kr_id)
    sign_in(page, demo.base_url, MARKETING_MEMBER)
    url = f"{demo.base_url}/objectives/{objective_id}/key-results/{kr_id}/check-ins"
    for token in ("", "made-up"):
        refused = page.request.post(url, form={"csrf_token": token, "value": "1"})
        assert refused.status == 403
        assert "reload the page" in refused.text()
    assert _check_ins(demo, kr_id) == before


def test_a_kpi_page_draws_its_chart(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    page.get_by_role("link", name="KPIs").click()
    expect(page.get_by_role("heading", name="KPIs")).to_be_visible()
    expect(page.locator("svg.spark").first).to_be_visible()
    page.get_by_role("link", name="Annual Recurring Revenue").click()
    chart = page.locator("#kpi-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("alt", re.compile(r"^Chart of Annual Recurring Revenue: \d+"))
    # The browser decoded the SVG: a broken image has no natural width.
    assert chart.evaluate("img => img.complete && img.naturalWidth") > 0


def test_recording_a_measurement_updates_the_kpi(page: Page, demo: DemoSite) -> None:
    kpi_id = int(str(demo.scalar("SELECT id FROM kpi WHERE name = 'Website visitors'")))
    sign_in(page, demo.base_url, MARKETING_MEMBER)
    page.goto(f"{demo.base_url}/kpis/{kpi_id}")
    measurements = page.locator("#measurements")
    measurements.get_by_label("Value").fill("61234")
    measurements.get_by_label("Note").fill("Launch week")
    measurements.get_by_role("button", name="Record").click()
    expect(page.locator("#measurements")).to_contain_text("61,234")
    expect(page.locator("#measurements")).to_contain_text("Launch week")


def test_user_text_is_shown_as_text_never_run(page: Page, demo: DemoSite) -> None:
    title = "<script>window.pwned = 1</script> & <b>bold</b>"
    uow = make_uow(load_settings(database_url=demo.database_url))
    workspace = resolve_workspace(uow, None)
    period_id = int(str(demo.scalar("SELECT period_id FROM objective LIMIT 1")))
    draft = Objective(id=0, title=title, period_id=period_id, description=title)
    made = create_objective(
        uow, workspace, draft, caller=Caller.operator("test"), clock=lambda: datetime.now(UTC)
    )
    uow.engine.dispose()
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/objectives/{made.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert page.locator("main b").count() == 0
    assert page.locator("main script").count() == 0
    # In attributes too: the edit form carries the title as a value, whole.
    expect(page.locator("#edit-title")).to_have_value(title)
    page.goto(demo.base_url + "/alignment")
    expect(page.get_by_role("link", name=title)).to_be_visible()


def test_pages_fit_a_360_pixel_wide_screen(page: Page, demo: DemoSite) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, demo.base_url, CEO)
    objective_id = _objective_id(demo, SALES_OBJECTIVE)
    for path in ("/", "/kpis", f"/objectives/{objective_id}"):
        page.goto(demo.base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide at 360 px"
        for link in page.get_by_role("navigation", name="Main").get_by_role("link").all():
            box = link.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 360, link.inner_text()


def test_signing_out_ends_the_session_on_the_server(
    browser: Browser, page: Page, demo: DemoSite
) -> None:
    sign_in(page, demo.base_url, CEO)
    cookie = next(c for c in page.context.cookies() if c["name"] == "headway_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    # The old cookie value, replayed, no longer opens anything.
    replay = httpx.get(
        demo.base_url + "/", cookies={"headway_session": cookie["value"]}, follow_redirects=False
    )
    assert replay.status_code == 303
    assert replay.headers["location"].startswith("/login")


def test_repeated_failed_sign_ins_are_slowed_down(demo: DemoSite) -> None:
    with httpx.Client(base_url=demo.base_url) as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None

        def attempt(password: str) -> httpx.Response:
            data = {"email": "rosa@northwind.example", "password": password, "next": "/"}
            return client.post("/login", data=data | {"csrf_token": csrf.group(1)})

        assert [attempt("wrong").status_code for _ in range(5)] == [401] * 5
        refused = attempt("headway-demo")
        assert refused.status_code == 429
        assert "too many failed sign-ins" in refused.text
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


def test_the_sign_in_form_needs_its_own_csrf_token(demo: DemoSite) -> None:
    with httpx.Client(base_url=demo.base_url) as client:
        client.get("/login")  # the browser now holds the sign-in form's CSRF cookie
        assert client.cookies.get("headway_login_csrf")
        data = {"email": CEO, "password": "headway-demo", "csrf_token": "forged", "next": "/"}
        refused = client.post("/login", data=data)
        assert refused.status_code == 403
        assert "headway_session" not in refused.cookies
