"""Role x action x scope over the API and the pages: every forbidden cell is 401/403/404 and
changes nothing; every allowed cell works."""

import pytest
import sqlalchemy as sa

from tests.conftest import object_counts
from tests.web.conftest import PASSWORD, sign_in

ROLES = ("anonymous", "admin", "expert", "expert2", "marshal20", "marshal12", "ministry")
EMAILS = {"admin": "admin@test.pl", "expert": "expert@test.pl", "expert2": "expert2@test.pl",
          "marshal20": "marshal20@test.pl", "marshal12": "marshal12@test.pl",
          "ministry": "ministry@test.pl"}
# Who reads P01 (podlaskie, advised by 'expert') and who changes it.
READS_P01 = {"admin", "expert", "marshal20", "ministry"}
WRITES_P01 = {"expert"}


@pytest.fixture(scope="module")
def clients(app, accounts):
    out = {"anonymous": app.test_client()}
    for role, email in EMAILS.items():
        out[role] = app.test_client()
        sign_in(out[role], email)
    return out


@pytest.fixture(scope="module")
def area_p01(reference_engine, partnerships_loaded):
    from services.planning.areas import create_area

    return create_area(reference_engine, "P01", {"name": "Obszar do macierzy", "kind": "other",
                                                 "gminas": ["2013062"]})


def counts(engine):
    with engine.connect() as conn:
        audit = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    return {**object_counts(engine), "audit": audit}


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_partnership_and_its_area_by_id(clients, role, area_p01):
    client = clients[role]
    expected = 200 if role in READS_P01 else (401 if role == "anonymous" else 404)
    assert client.get("/api/v1/partnerships/P01").status_code == expected
    assert client.get(f"/api/v1/areas/{area_p01['id']}").status_code == expected
    assert client.get(f"/api/v1/areas/{area_p01['id']}/versions").status_code == expected
    assert client.get(f"/api/v1/areas/{area_p01['id']}/stats").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_listings_are_filtered_by_scope(clients, role):
    response = clients[role].get("/api/v1/partnerships")
    if role == "anonymous":
        assert response.status_code == 401
        return
    ids = {p["id"] for p in response.get_json()}
    expected = {"admin": {"P01", "P02", "P03", "P04", "P05", "P06"},
                "ministry": {"P01", "P02", "P03", "P04", "P05", "P06"},
                "expert": {"P01", "P02", "P03"}, "expert2": {"P04"},
                "marshal20": {"P01", "P02", "P03"}, "marshal12": {"P04"}}[role]
    assert ids >= expected and ids <= expected | {"X1", "X2"}


@pytest.mark.parametrize("role", ROLES)
def test_changing_an_area_of_p01(clients, role, area_p01, reference_engine):
    client = clients[role]
    before = counts(reference_engine)
    version = reference_engine.connect().execute(sa.text(
        "SELECT version FROM functional_area WHERE id = :i"), {"i": area_p01["id"]}).scalar_one()
    response = client.put(f"/api/v1/areas/{area_p01['id']}",
                          json={"version": version, "name": f"zmiana przez {role}"})
    created = client.post("/api/v1/partnerships/P01/areas",
                          json={"name": f"nowy przez {role}", "kind": "other",
                                "gminas": ["2013072"]})
    project = client.post("/api/v1/partnerships/P01/projects",
                          json={"title": f"projekt {role}",
                                "geometry": {"type": "Point", "coordinates": [22.5, 52.9]}})
    if role in WRITES_P01:
        assert (response.status_code, created.status_code, project.status_code) == (200, 201,
                                                                                     201)
        after = counts(reference_engine)
        assert after["audit"] == before["audit"] + 3  # every change is in the audit log
        return
    expected = 401 if role == "anonymous" else (403 if role in READS_P01 else 404)
    assert {response.status_code, created.status_code, project.status_code} == {expected}
    assert counts(reference_engine) == before


@pytest.mark.parametrize("role", ROLES)
def test_exports_and_comparisons_follow_the_scope(clients, role, reference_engine):
    client = clients[role]
    export = client.get("/api/v1/exports/partnerships?format=csv")
    compare = client.get("/api/v1/comparison/20")
    if role == "anonymous":
        assert (export.status_code, compare.status_code) == (401, 401)
        return
    import csv
    import io
    import sys

    csv.field_size_limit(sys.maxsize)  # outlines as WKT
    exported = {row["id"] for row in csv.DictReader(io.StringIO(export.get_data(as_text=True)))}
    if role in ("expert2", "marshal12"):
        assert exported <= {"P04"} and "P01" not in exported
    else:
        assert {"P01", "P02", "P03"} <= exported
    if role == "marshal12":
        assert compare.status_code == 403
    else:
        assert compare.status_code == 200
        shown = {u["code"] for u in compare.get_json()["units"] if u["kind"] == "partnership"}
        assert shown == (set() if role == "expert2" else {"P01", "P02", "P03"})


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_is_for_administrators(clients, role):
    expected = {"anonymous": 401, "admin": 200}.get(role, 403)
    assert clients[role].get("/api/v1/audit").status_code == expected
    assert clients[role].get("/api/v1/audit.csv").status_code == expected


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("expert2", 404),
                                              ("marshal20", 200), ("expert", 200)])
def test_workspace_page(clients, role, status):
    response = clients[role].get("/partnerships/P01")
    assert response.status_code == status
    if status == 302:
        assert "/login?next=/partnerships/P01" in response.headers["Location"]


def test_csrf_is_required_for_session_writes_but_not_for_tokens(app, accounts,
                                                               reference_engine):
    from services.access.accounts import create_token

    client = app.test_client()
    sign_in(client, "expert@test.pl")
    del client.environ_base["HTTP_X_CSRF_TOKEN"]
    before = counts(reference_engine)
    refused = client.post("/api/v1/partnerships/P01/areas",
                          json={"name": "bez CSRF", "kind": "other", "gminas": ["2013082"]})
    assert refused.status_code == 403 and refused.get_json()["code"] == "csrf_failed"
    assert counts(reference_engine) == before
    token = create_token(reference_engine, "expert@test.pl", "skrypt")
    scripted = app.test_client().post(
        "/api/v1/partnerships/P01/areas", headers={"Authorization": f"Bearer {token}"},
        json={"name": "ze skryptu", "kind": "other", "gminas": ["2013082"]})
    assert scripted.status_code == 201
    wrong = app.test_client().get("/api/v1/partnerships/P01",
                                  headers={"Authorization": "Bearer pt_nonsense"})
    assert wrong.status_code == 401


def test_sign_in_is_rate_limited(app, reference_engine):
    from services.access.accounts import add_user

    add_user(reference_engine, "limit@test.pl", PASSWORD, "ministry")
    client = app.test_client()
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    for _ in range(5):
        bad = client.post("/login", data={"email": "limit@test.pl", "password": "zle-haslo",
                                          "csrf_token": token})
        assert bad.status_code == 401 and "błędny e-mail lub hasło" in bad.get_data(as_text=True)
    blocked = client.post("/login", data={"email": "limit@test.pl", "password": PASSWORD,
                                          "csrf_token": token})
    assert blocked.status_code == 429


def test_disabling_ends_sessions_and_tokens(app, reference_engine):
    from services.access.accounts import add_user, create_token, disable

    add_user(reference_engine, "leaving@test.pl", PASSWORD, "ministry")
    token = create_token(reference_engine, "leaving@test.pl", "stary")
    client = app.test_client()
    sign_in(client, "leaving@test.pl")
    assert client.get("/api/v1/partnerships").status_code == 200
    disable(reference_engine, "leaving@test.pl")
    assert client.get("/api/v1/partnerships").status_code == 401
    assert app.test_client().get("/api/v1/partnerships", headers={
        "Authorization": f"Bearer {token}"}).status_code == 401


def test_audit_log_records_and_cannot_be_rewritten(clients, reference_engine):
    entries = clients["admin"].get("/api/v1/audit?limit=500").get_json()
    assert any(e["action"] == "create" and e["object_kind"] == "user" for e in entries)
    csv_text = clients["admin"].get("/api/v1/audit.csv").get_data(as_text=True)
    assert csv_text.startswith("id,at,actor,action,object_kind,object_id,before,after")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with reference_engine.begin() as conn:
            conn.execute(sa.text("UPDATE audit_log SET actor = 'nobody'"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with reference_engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM audit_log"))
    page = clients["admin"].get("/admin/audit").get_data(as_text=True)
    assert "Dziennik zmian" in page


@pytest.mark.parametrize("role", ROLES)
def test_comments_from_marshal_offices_and_experts(clients, role, reference_engine):
    before = counts(reference_engine)
    response = clients[role].post("/api/v1/partnerships/P01/comments",
                                  json={"body": f"Uwaga od {role}: proszę uzupełnić harmonogram."})
    allowed = {"expert", "marshal20"}
    if role in allowed:
        assert response.status_code == 201
        listed = clients["ministry"].get("/api/v1/partnerships/P01/comments").get_json()
        assert any(c["author"] == EMAILS[role] for c in listed)
        return
    expected = 401 if role == "anonymous" else (403 if role in READS_P01 else 404)
    assert response.status_code == expected
    assert counts(reference_engine) == before


def test_users_command_line(reference_db_url, monkeypatch, capsys):
    import io

    from scripts.cli import main

    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "cli@test.pl", "--role", "expert", "--password-stdin"]) == 0
    assert main(["users", "assign", "cli@test.pl", "P05"]) == 0
    assert main(["users", "token", "cli@test.pl", "--name", "skrypt"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("pt_")
    assert main(["users", "set-role", "cli@test.pl", "marshal_office", "--voivodeship",
                 "16"]) == 0
    assert main(["users", "disable", "cli@test.pl"]) == 0
    assert main(["users", "add", "zly", "--role", "expert", "--password-stdin"]) == 1
    assert "partnerstwa: error:" in capsys.readouterr().err


def test_demo_accounts_are_idempotent(reference_db_url, monkeypatch, capsys, app):
    from scripts.cli import main

    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    assert main(["users", "demo"]) == 0
    assert main(["users", "demo"]) == 0
    assert "ekspert@partnerstwa.demo (expert)" in capsys.readouterr().out
    client = app.test_client()
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": "ekspert@partnerstwa.demo",
                                           "password": "partnerstwa-demo", "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/api/v1/partnerships/P06").status_code == 200


def private_urls(area_id: int, project_id: int) -> list[tuple[str, str, str]]:
    """(method, url of an existing object, url of a missing one) over the private API."""
    out = []
    for kind, existing, missing in (("areas", area_id, 987654321),
                                    ("projects", project_id, 987654321)):
        for suffix in ("", "/versions"):
            out.append(("get", f"/api/v1/{kind}/{existing}{suffix}",
                        f"/api/v1/{kind}/{missing}{suffix}"))
        out.append(("put", f"/api/v1/{kind}/{existing}", f"/api/v1/{kind}/{missing}"))
        out.append(("post", f"/api/v1/{kind}/{existing}/restore",
                    f"/api/v1/{kind}/{missing}/restore"))
    out += [("get", f"/api/v1/areas/{area_id}/stats", "/api/v1/areas/987654321/stats"),
            ("get", f"/api/v1/areas/{area_id}/rasters/dem", "/api/v1/areas/987654321/rasters/dem"),
            ("delete", f"/api/v1/areas/{area_id}?version=1", "/api/v1/areas/987654321?version=1")]
    for suffix in ("", "/areas", "/comments"):
        out.append(("get", f"/api/v1/partnerships/P01{suffix}",
                    f"/api/v1/partnerships/NOPE{suffix}"))
    out += [("patch", "/api/v1/partnerships/P01", "/api/v1/partnerships/NOPE"),
            ("post", "/api/v1/partnerships/P01/areas", "/api/v1/partnerships/NOPE/areas"),
            ("post", "/api/v1/partnerships/P01/projects", "/api/v1/partnerships/NOPE/projects"),
            ("post", "/api/v1/partnerships/P01/comments", "/api/v1/partnerships/NOPE/comments"),
            ("get", "/api/v1/comparison/20", "/api/v1/comparison/99"),
            ("get", "/api/v1/exports/areas?format=csv&partnership=P01",
             "/api/v1/exports/areas?format=csv&partnership=NOPE")]
    return out


def test_anonymous_callers_cannot_tell_existing_ids_from_missing(clients, area_p01,
                                                                reference_engine):
    from services.planning.projects import create_project

    project = create_project(reference_engine, "P01", {"title": "Istnieje", "geometry": {
        "type": "Point", "coordinates": [22.5, 52.9]}})
    anonymous = clients["anonymous"]
    before = counts(reference_engine)
    for method, existing, missing in private_urls(area_p01["id"], project["id"]):
        answers = []
        for url in (existing, missing):
            response = getattr(anonymous, method)(url, json={"version": 1})
            answers.append((response.status_code, response.get_json()["code"]))
        assert answers == [(401, "unauthenticated")] * 2, (method, existing, answers)
    for existing, missing in (("/partnerships/P01", "/partnerships/NOPE"),
                              ("/comparison/20", "/comparison/99")):
        first, second = anonymous.get(existing), anonymous.get(missing)
        assert (first.status_code, second.status_code) == (302, 302)
        assert "/login?next=" in first.headers["Location"] + second.headers["Location"]
    assert counts(reference_engine) == before


@pytest.mark.parametrize("role", ("anonymous", "expert", "expert2"))
def test_private_answers_are_never_stored_by_caches(clients, role, area_p01):
    client = clients[role]
    for url in ("/api/v1/partnerships", "/api/v1/partnerships/P01",
                f"/api/v1/areas/{area_p01['id']}", "/api/v1/areas/987654321",
                "/api/v1/projects?partnership=P01", "/api/v1/comparison/20", "/partnerships/P01",
                "/partnerships", "/", "/api/v1/analysis/runs", "/api/v1/audit"):
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
        assert {"authorization", "cookie"} <= {v.lower() for v in response.vary}, url
    shared = client.get("/api/v1/layers/gmina?zoom=6&voivodeship=20")
    assert shared.status_code == 200 and "public" in shared.headers["Cache-Control"]


@pytest.fixture
def p01_members(reference_engine, partnerships_loaded):
    """P01's members, put back after the test whatever it changed."""
    from services.planning.partnerships import get_partnership, update_partnership

    members = [{k: m[k] for k in ("teryt", "member_kind", "role")}
               for m in get_partnership(reference_engine, "P01")["members"]]
    yield members
    update_partnership(reference_engine, "P01", {"members": members})


def _with(members: list[dict], teryt: str) -> dict:
    return {"members": [*members, {"teryt": teryt, "member_kind": "gmina", "role": "member"}]}


def _member_teryts(engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT teryt FROM partnership_member WHERE partnership_id"
                                    " = 'P01' ORDER BY teryt")).scalars().all()


@pytest.mark.parametrize("role", ROLES)
def test_membership_changes_belong_to_admin_and_the_marshal_office(clients, role, p01_members,
                                                                   reference_engine):
    own = "2012032"  # Jeleniewo, podlaskie (20), in no partnership
    with reference_engine.connect() as conn:
        foreign = conn.execute(sa.text(
            "SELECT teryt FROM gmina WHERE voivodeship_teryt = '14' AND teryt NOT IN"
            " (SELECT teryt FROM partnership_member) ORDER BY teryt LIMIT 1")).scalar_one()
    before, members = counts(reference_engine), _member_teryts(reference_engine)
    response = clients[role].patch("/api/v1/partnerships/P01", json=_with(p01_members, own))
    expected = {"anonymous": 401, "admin": 200, "marshal20": 200, "expert2": 404,
                "marshal12": 404}.get(role, 403)
    assert response.status_code == expected, response.get_json()
    if expected != 200:
        assert counts(reference_engine) == before and _member_teryts(reference_engine) == members
        return
    assert own in _member_teryts(reference_engine)
    with reference_engine.connect() as conn:
        entry = conn.execute(sa.text(
            "SELECT actor, action, after FROM audit_log WHERE object_kind = 'partnership'"
            " AND object_id = 'P01' ORDER BY id DESC LIMIT 1")).mappings().one()
    assert (entry["actor"], entry["action"]) == (EMAILS[role], "change_members")
    assert (entry["after"]["added"], entry["after"]["removed"]) == ([own], [])
    # Another voivodeship's JST: the office of 20 may not add it, an administrator may.
    across = clients[role].patch("/api/v1/partnerships/P01", json=_with(p01_members, foreign))
    assert across.status_code == (403 if role == "marshal20" else 200), across.get_json()
    assert (foreign in _member_teryts(reference_engine)) == (role == "admin")


def test_experts_still_rename_their_partnership_but_not_its_members(clients, reference_engine,
                                                                    p01_members):
    expert = clients["expert"]
    renamed = expert.patch("/api/v1/partnerships/P01", json={"status": "active",
                                                              "members": p01_members})
    assert renamed.status_code == 200  # the same members: no membership change
    removed = expert.patch("/api/v1/partnerships/P01", json={"members": p01_members[:-1]})
    assert removed.status_code == 403 and "członków" in removed.get_json()["detail"]
    assert len(_member_teryts(reference_engine)) == len(p01_members)
