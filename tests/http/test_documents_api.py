"""/api/v1/export and /api/v1/import over real HTTP: the workspace as one document.

The last tests replace the workspace, which changes every row's id: they come last, and
nothing after them relies on `live.ids`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import sqlalchemy as sa
import yaml

from headway.store import tables as t

REPLACE = {"replace": "true"}
DRY_RUN = {"replace": "true", "dry_run": "true"}


def _export(live: Any) -> dict[str, Any]:
    with live.client("admin") as http:
        response = http.get("/export")
        assert response.status_code == 200, response.text
        return dict(response.json())


def _fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def _as(live: Any, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=live.base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
    )


def test_every_member_exports_their_workspace_as_json_or_yaml(live: Any) -> None:
    with live.client("viewer") as http:
        as_json = http.get("/export")
        assert as_json.status_code == 200
        assert as_json.headers["content-type"].startswith("application/json")
        document = as_json.json()
        assert document["workspace"] == "Example Co"
        assert [o["key"] for o in document["objectives"]] == [
            "cx",
            "support",
            "revenue",
            "funnel",
            "reach",
        ]
        assert {p["email"] for p in document["people"]} >= {"ceo@example.com"}
        assert "password" not in as_json.text
        as_yaml = http.get("/export", params={"format": "yaml"})
        assert as_yaml.headers["content-type"].startswith("application/yaml")
        assert json.loads(json.dumps(yaml.safe_load(as_yaml.text), default=str)) == document
        wrong = http.get("/export", params={"format": "xml"})
        assert wrong.status_code == 422
        assert _fields(wrong) == ["format"]
    with live.client("other_admin") as http:
        assert http.get("/export").json()["workspace"] == "Other Co"
    with live.client(None) as http:
        assert http.get("/export").status_code == 401


def test_only_admins_import(live: Any) -> None:
    document = _export(live)
    for actor in ("sales_member", "viewer"):
        with live.client(actor) as http:
            assert http.post("/import", params=DRY_RUN, json=document).status_code == 403
            broken = http.post(
                "/import",
                params=DRY_RUN,
                content=b"{",
                headers={"content-type": "application/json"},
            )
            assert broken.status_code == 403  # who may import is settled before the body is read


def test_an_import_with_mistakes_reports_every_path_and_changes_nothing(live: Any) -> None:
    before = _export(live)
    document = copy.deepcopy(before)
    document["objectives"][2]["key_results"][0]["target"] = 0  # deals: start 0
    document["people"][1]["email"] = "not an address"
    document["periods"][0]["end"] = "2025-01-01"
    with live.client("admin") as http:
        refused = http.post("/import", params=REPLACE, json=document)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert sorted(_fields(refused)) == [
            "objectives[2].key_results[0].target",
            "people[1].email",
            "periods[0].end",
        ]
        messages = {e["field"]: e["message"] for e in refused.json()["errors"]}
        assert "start" in messages["objectives[2].key_results[0].target"]
    assert _export(live) == before


def test_shape_and_meaning_problems_come_in_one_run_with_a_range_named(live: Any) -> None:
    before = _export(live)
    document = copy.deepcopy(before)
    k = next(i for i, kpi in enumerate(document["kpis"]) if len(kpi["measurements"]) > 1)
    values = [m["value"] for m in document["kpis"][k]["measurements"]]
    low, high = min(values), max(values)
    document["kpis"][k] |= {"min_value": low, "max_value": high}
    document["kpis"][k]["measurements"][1]["value"] = high + 1  # meaning
    document["units"][1]["kind"] = "division"  # shape
    with live.client("admin") as http:
        refused = http.post("/import", params=REPLACE, json=document)
        assert refused.status_code == 422, refused.text
        assert {e["field"]: e["message"] for e in refused.json()["errors"]} == {
            "units[1].kind": "must be one of 'company', 'department' or 'team'",
            f"kpis[{k}].measurements[1].value": f"must be between {low:.10g} and {high:.10g}",
        }
    assert _export(live) == before


def test_bad_documents_are_422_naming_the_field(live: Any) -> None:
    before = _export(live)
    nan = copy.deepcopy(before)
    nan["objectives"][0]["key_results"][0]["target"] = float("nan")
    typed = copy.deepcopy(before) | {"fiscal_year_start_month": "1"}
    unknown_kind = copy.deepcopy(before)
    unknown_kind["units"][1]["kind"] = "division"
    json_type = {"content-type": "application/json"}
    yaml_type = {"content-type": "application/yaml"}
    cases = [
        (json.dumps(nan), json_type, "objectives[0].key_results[0].target"),
        (json.dumps(typed), json_type, "fiscal_year_start_month"),
        (json.dumps(unknown_kind), json_type, "units[1].kind"),
        ('{"workspace": "Example Co",', json_type, "body"),
        ("", json_type, "body"),
        ("[1, 2]", json_type, ""),
        ("workspace: [unclosed", yaml_type, "body"),
        ("a: &x [1]\nb: *x\n", yaml_type, "body"),
    ]
    with live.client("admin") as http:
        for text, headers, field in cases:
            refused = http.post("/import", params=REPLACE, content=text.encode(), headers=headers)
            assert refused.status_code == 422, (text[:40], refused.text)
            assert field in _fields(refused), (text[:40], refused.text)
        plain = http.post(
            "/import", params=REPLACE, content=b"x", headers={"content-type": "text/plain"}
        )
        assert plain.status_code == 415
    assert _export(live) == before


def test_the_document_must_name_this_workspace_and_keep_the_caller_an_admin(live: Any) -> None:
    before = _export(live)
    elsewhere = copy.deepcopy(before) | {"workspace": "Other Co"}
    demoted = copy.deepcopy(before)
    ceo = next(p for p in demoted["people"] if p["email"] == "ceo@example.com")
    ceo["role"] = "member"
    gone = copy.deepcopy(before)
    gone["people"] = [p for p in gone["people"] if p["email"] != "ceo@example.com"]
    gone["objectives"] = []  # they name the CEO as owner
    gone["kpis"] = [k for k in gone["kpis"] if k.get("owner") != "ceo"]
    with live.client("admin") as http:
        refused = http.post("/import", params=REPLACE, json=elsewhere)
        assert refused.status_code == 422
        assert _fields(refused) == ["workspace"]
        for document in (demoted, gone):
            refused = http.post("/import", params=REPLACE, json=document)
            assert refused.status_code == 422, refused.text
            assert refused.json()["errors"] == [
                {"field": "people", "message": "the document would remove your own admin access"}
            ]
    with live.client("other_admin") as http:
        assert _fields(http.post("/import", params=REPLACE, json=before)) == [
            "workspace",
            "people",
        ]
    assert _export(live) == before


def test_replacing_must_be_asked_for_and_a_dry_run_stores_nothing(live: Any) -> None:
    before = _export(live)
    changed = copy.deepcopy(before)
    changed["objectives"][0]["title"] = "Delight every customer"
    changed["colour"] = "red"
    with live.client("admin") as http:
        assert http.post("/import", json=changed).status_code == 409
        assert http.post("/import", params={"dry_run": "true"}, json=changed).status_code == 409
        checked = http.post("/import", params=DRY_RUN, json=changed)
        assert checked.status_code == 200, checked.text
        report = checked.json()
        assert report["dry_run"] is True
        assert report["counts"]["objectives"] == 5
        assert report["counts"]["key_results"] == 13
        assert report["warnings"] == [
            {"field": "colour", "message": "is not a known field; it was ignored"}
        ]
    assert _export(live) == before


def _password_hashes(live: Any) -> dict[str, str | None]:
    engine = sa.create_engine(live.database_url)
    try:
        with engine.connect() as conn:
            q = sa.select(t.person.c.email, t.person.c.password_hash)
            return {row.email: row.password_hash for row in conn.execute(q)}
    finally:
        engine.dispose()


def _people(http: httpx.Client) -> list[dict[str, Any]]:
    """People as the API lists them, but for their unit ids: units are made anew."""
    return [
        {k: v for k, v in p.items() if k != "unit_ids"} for p in http.get("/people").json()["items"]
    ]


def _audit(http: httpx.Client) -> list[dict[str, Any]]:
    return list(http.get("/audit", params={"limit": 500}).json()["items"])


def test_export_then_import_gives_the_same_workspace_and_keeps_people_signed_in(
    live: Any,
) -> None:
    with live.client("admin") as http:
        added = http.post(
            "/people",
            json={
                "name": "New Hire",
                "email": "new.hire@example.com",
                "role": "member",
                "unit_ids": [live.ids["unit:sales"]],
                "password": "a long password",
            },
        )
        assert added.status_code == 201
        people_before = _people(http)
        audit_before = _audit(http)
    new_hire_token = live.new_token("new.hire@example.com")
    hashes = _password_hashes(live)
    document = _export(live)

    with live.client("admin") as http:
        replaced = http.post("/import", params=REPLACE, json=document)
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["dry_run"] is False
        assert replaced.json()["counts"]["people"] == 6
        assert http.get("/export").json() == document
        assert _people(http) == people_before  # the same ids: tokens and the log still match
        audit_after = _audit(http)
    assert _password_hashes(live) == hashes
    assert audit_after[len(audit_after) - len(audit_before) :] == audit_before  # kept as they were
    assert audit_after[0]["action"] == "import"
    assert audit_after[0]["actor_label"] == "ceo@example.com"
    with _as(live, new_hire_token) as http:
        assert http.get("/people").status_code == 200
    with live.client("sales_member") as http:
        assert http.get("/export").json() == document


def test_people_left_out_of_an_import_go_but_their_audit_trail_stays(live: Any) -> None:
    with live.client("admin") as http:
        leaver_id = next(
            p["id"]
            for p in http.get("/people").json()["items"]
            if p["email"] == "new.hire@example.com"
        )
    token = live.new_token("new.hire@example.com")
    with _as(live, token) as http:
        made = http.post("/tokens", json={"name": "before leaving"})  # an event of their own
        assert made.status_code == 201
    document = _export(live)
    document["people"] = [p for p in document["people"] if p["email"] != "new.hire@example.com"]
    with live.client("admin") as http:
        replaced = http.post(
            "/import",
            params=REPLACE,
            content=yaml.safe_dump(document),
            headers={"content-type": "application/yaml"},
        )
        assert replaced.status_code == 200, replaced.text
        assert http.get(f"/people/{leaver_id}").status_code == 404
        trail = [e for e in _audit(http) if e["actor_label"] == "new.hire@example.com"]
        assert trail
        assert {e["actor_id"] for e in trail} == {None}
        assert http.get("/export").json() == document
    for leaver_token in (token, made.json()["token"]):
        with _as(live, leaver_token) as http:
            assert http.get("/people").status_code == 401
