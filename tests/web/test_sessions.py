"""Sessions end on the server: a copied cookie is worthless after signing out."""

import sqlalchemy as sa

from tests.web.conftest import sign_in


def _replay(app, cookie: str, csrf: str):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    thief.environ_base["HTTP_X_CSRF_TOKEN"] = csrf
    return thief


def test_a_cookie_copied_before_sign_out_no_longer_reads_or_posts(app, accounts,
                                                                 reference_engine):
    client = app.test_client()
    sign_in(client, "marshal20@test.pl")
    cookie = client.get_cookie("session").value
    csrf = client.environ_base["HTTP_X_CSRF_TOKEN"]
    # The copy works while the session lasts (so the refusals below are about signing out).
    assert _replay(app, cookie, csrf).get("/api/v1/partnerships/P01").status_code == 200

    assert client.post("/logout").status_code == 302
    thief = _replay(app, cookie, csrf)
    assert thief.get("/api/v1/partnerships/P01").status_code == 401
    with reference_engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM comment")).scalar_one()
    posted = thief.post("/api/v1/partnerships/P01/comments",
                        json={"body": "Komentarz z cudzego ciasteczka"})
    assert posted.status_code == 401
    with reference_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM comment")).scalar_one() == before
        ended = conn.execute(sa.text(
            "SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id"
            " WHERE u.email = 'marshal20@test.pl' AND s.revoked_at IS NOT NULL")).scalar_one()
    assert ended >= 1
    # Signing out of one browser leaves the user's other sessions alone.
    other = app.test_client()
    sign_in(other, "marshal20@test.pl")
    assert other.get("/api/v1/partnerships/P01").status_code == 200


def test_disabling_an_account_ends_its_sessions_in_the_database(app, reference_engine):
    from services.access.accounts import add_user, disable
    from tests.web.conftest import PASSWORD

    add_user(reference_engine, "sesje@test.pl", PASSWORD, "ministry")
    first, second = app.test_client(), app.test_client()
    sign_in(first, "sesje@test.pl")
    sign_in(second, "sesje@test.pl")
    disable(reference_engine, "sesje@test.pl")
    with reference_engine.connect() as conn:
        open_sessions = conn.execute(sa.text(
            "SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id"
            " WHERE u.email = 'sesje@test.pl' AND s.revoked_at IS NULL")).scalar_one()
    assert open_sessions == 0
    assert first.get("/api/v1/partnerships").status_code == 401
    assert second.get("/api/v1/partnerships").status_code == 401


def test_a_session_cookie_of_the_old_kind_signs_nobody_in(app, accounts):
    """Cookies signed before server-side sessions carried only the user id."""
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    forged = app.test_client()
    forged.set_cookie("session", serializer.dumps({"user_id": 1, "csrf": "x"}))
    forged.environ_base["HTTP_X_CSRF_TOKEN"] = "x"
    assert forged.get("/api/v1/partnerships").status_code == 401
