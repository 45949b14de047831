"""Spreadsheets of KPI measurements over real HTTP: the body is the file, all or nothing."""

from __future__ import annotations

import io
import itertools
from datetime import date
from typing import Any

import httpx
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_names = itertools.count()


def _fresh_kpi(http: httpx.Client, live: Any) -> tuple[int, str]:
    """A Support KPI with no measurements: its id and name."""
    name = f"Queue length {next(_names)}"
    made = http.post(
        "/kpis",
        json={
            "name": name,
            "owner_unit_id": live.ids["unit:support"],
            "direction": "lower_is_better",
            "target": 10,
            "cadence": "daily",
            "aggregation": "last",
        },
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"]), name


def _stored(http: httpx.Client, kpi_id: int) -> list[tuple[str, float, str, str]]:
    items = http.get(f"/kpis/{kpi_id}/measurements", params={"limit": 500}).json()["items"]
    return [(m["at"], m["value"], m["source"], m["note"]) for m in items]


def _csv(http: httpx.Client, path: str, text: str) -> httpx.Response:
    return http.post(path, content=text.encode(), headers={"content-type": "text/csv"})


def test_a_csv_of_several_kpis_is_stored_and_sending_it_again_changes_nothing(live: Any) -> None:
    with live.client("support_member") as http:
        first, first_name = _fresh_kpi(http, live)
        second, second_name = _fresh_kpi(http, live)
        text = (
            f"kpi,at,value,note\n{first_name},2026-11-02,14,monday\n"
            f"{second},2026-11-02,9,\n{second},2026-11-03,8,\n"
        )
        done = _csv(http, "/kpis/import", text)
        assert done.status_code == 200, done.text
        assert done.json() == {
            "created": 3,
            "replaced": 0,
            "kpis": [
                {"id": first, "name": first_name, "created": 1, "replaced": 0},
                {"id": second, "name": second_name, "created": 2, "replaced": 0},
            ],
        }
        assert _stored(http, first) == [("2026-11-02", 14, "csv", "monday")]
        again = _csv(http, "/kpis/import", text)
        assert (again.json()["created"], again.json()["replaced"]) == (3, 3)
        assert _stored(http, second) == [("2026-11-02", 9, "csv", ""), ("2026-11-03", 8, "csv", "")]
        kpi = http.get(f"/kpis/{second}").json()
        assert kpi["latest_value"] == 8


def test_an_xlsx_for_one_kpi_is_stored(live: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["at", "value"])
    sheet.append([date(2026, 11, 4), 12.5])
    body = io.BytesIO()
    book.save(body)
    with live.client("support_member") as http:
        kpi_id, _ = _fresh_kpi(http, live)
        done = http.post(
            f"/kpis/{kpi_id}/measurements/import",
            content=body.getvalue(),
            headers={"content-type": XLSX},
        )
        assert done.status_code == 200, done.text
        assert _stored(http, kpi_id) == [("2026-11-04", 12.5, "csv", "")]


def test_a_file_with_mistakes_is_a_422_naming_each_row_and_stores_nothing(live: Any) -> None:
    with live.client("support_member") as http:
        kpi_id, _ = _fresh_kpi(http, live)
        refused = _csv(
            http, f"/kpis/{kpi_id}/measurements/import", "at,value\n2026-11-02,1\n2026-11-31,x\n"
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"] == [
            {"field": "row 3.at", "message": "must be a date (YYYY-MM-DD)"},
            {"field": "row 3.value", "message": "must be a number"},
        ]
        assert _stored(http, kpi_id) == []


def test_a_kpi_the_caller_may_not_write_refuses_the_whole_file(live: Any) -> None:
    with live.client("admin") as admin:
        theirs, _ = _fresh_kpi(admin, live)
    with live.client("sales_member") as http:
        refused = _csv(http, "/kpis/import", f"kpi,at,value\n{theirs},2026-11-02,1\n")
        assert refused.status_code == 403
    with live.client("admin") as admin:
        assert _stored(admin, theirs) == []


def test_other_media_types_and_oversized_files_are_refused(live: Any) -> None:
    with live.client("support_member") as http:
        kpi_id, _ = _fresh_kpi(http, live)
        path = f"/kpis/{kpi_id}/measurements/import"
        wrong = http.post(path, json={"at": "2026-11-02", "value": 1})
        assert wrong.status_code == 415
        assert "text/csv" in wrong.json()["detail"]
        huge = http.post(
            path,
            content=b"at,value\n" + b"2026-11-02,1\n" * 900_000,
            headers={"content-type": "text/csv"},
        )
        assert huge.status_code == 413
        assert huge.json()["detail"] == "a file may be at most 10 MB"
        assert _stored(http, kpi_id) == []
