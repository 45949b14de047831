"""Importing KPI measurements from a spreadsheet in the browser, on a KPI's page and on /kpis."""

from __future__ import annotations

import http.client
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from browsing import DemoSite, sign_in
from openpyxl import Workbook
from playwright.sync_api import Page, expect

CEO = "ceo@northwind.example"
VIEWER = "board@northwind.example"


def _kpi_id(demo: DemoSite, key: str) -> int:
    return int(str(demo.scalar("SELECT id FROM kpi WHERE key = :k", k=key)))


def _from_files(demo: DemoSite, kpi_id: int) -> int:
    sql = "SELECT count(*) FROM measurement WHERE kpi_id = :k AND source = 'csv'"
    return int(str(demo.scalar(sql, k=kpi_id)))


def _days_ago(n: int) -> str:
    # Two days back at least: the workspace's "today" may be behind this machine's.
    return (date.today() - timedelta(days=n)).isoformat()


def _import_on_kpi_page(page: Page, demo: DemoSite, kpi_id: int, path: Path) -> None:
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/kpis/{kpi_id}")
    page.get_by_text("Import from a spreadsheet").click()
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(path)
    page.get_by_role("button", name="Import").click()


def test_a_csv_imported_on_a_kpi_page_adds_its_rows(
    page: Page, demo: DemoSite, tmp_path: Path
) -> None:
    kpi_id = _kpi_id(demo, "deploys")
    csv = tmp_path / "deploys.csv"
    csv.write_text(f"at,value,note\n{_days_ago(3)},21,sprint end\n{_days_ago(2)},19,\n")
    _import_on_kpi_page(page, demo, kpi_id, csv)
    expect(page.get_by_role("status")).to_have_text("Imported 2 measurements.")
    rows = page.locator("#measurements table tbody tr")
    expect(rows.filter(has_text="sprint end")).to_contain_text("csv")
    assert _from_files(demo, kpi_id) == 2
    # The same file again replaces what it stored: still two.
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(csv)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("2 from an earlier import")
    assert _from_files(demo, kpi_id) == 2


def test_a_refused_file_lists_every_problem_and_stores_nothing(
    page: Page, demo: DemoSite, tmp_path: Path
) -> None:
    kpi_id = _kpi_id(demo, "uptime")
    bad = tmp_path / "uptime.csv"
    bad.write_text(f"at,value\n{_days_ago(2)},99.9\nyesterday,99.5\n{_days_ago(3)},<b>x</b>\n")
    _import_on_kpi_page(page, demo, kpi_id, bad)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported")
    expect(alert.get_by_role("listitem")).to_have_text(
        ["row 3.at: must be a date (YYYY-MM-DD)", "row 4.value: must be a number"]
    )
    assert _from_files(demo, kpi_id) == 0
    # Nothing chosen at all is a problem too, not an error page.
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("file: choose a .csv or .xlsx file")


def test_an_xlsx_on_the_kpi_list_fills_several_kpis(
    page: Page, demo: DemoSite, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["KPI", "At", "Value"])
    sheet.append(["nps", date.today() - timedelta(days=2), 55])
    sheet.append(["Qualified pipeline", date.today() - timedelta(days=2), 3300])
    path = tmp_path / "month.xlsx"
    book.save(path)
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/kpis")
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(path)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_have_text("Imported 2 measurements into 2 KPIs.")
    assert _from_files(demo, _kpi_id(demo, "nps")) == 1
    assert _from_files(demo, _kpi_id(demo, "pipeline")) == 1


def test_a_viewer_is_offered_no_import(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, VIEWER)
    page.goto(f"{demo.base_url}/kpis")
    expect(page.get_by_role("heading", name="KPIs", exact=True)).to_be_visible()
    expect(page.get_by_label("Spreadsheet (.csv or .xlsx)")).to_have_count(0)


def _unfinished_upload(page: Page, demo: DemoSite, path: str, length: int) -> tuple[int, str]:
    """Post an upload announcing `length` bytes and sending a few: the answer must not wait
    for the rest (which never comes), so the server cannot have read the upload."""
    session = {c["name"]: c["value"] for c in page.context.cookies()}
    where = urlsplit(demo.base_url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=10)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in session.items()))
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        connection.send(b"--x\r\n")
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, CEO)
    status, body = _unfinished_upload(page, demo, "/kpis/import", 11 * 2**20)
    assert status == 413
    assert "at most 10 MB" in body


def test_a_viewers_upload_is_refused_before_it_is_read(page: Page, demo: DemoSite) -> None:
    sign_in(page, demo.base_url, VIEWER)
    status, _ = _unfinished_upload(page, demo, "/kpis/import", 5 * 2**20)
    assert status == 403
    kpi_id = _kpi_id(demo, "uptime")
    status, _ = _unfinished_upload(page, demo, f"/kpis/{kpi_id}/measurements/import", 5 * 2**20)
    assert status == 403
