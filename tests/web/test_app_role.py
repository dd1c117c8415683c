"""The web app connects as its own role, which cannot rewrite the history, never as the
owner that migrates."""

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from web import create_app, get_engine_for


def test_the_web_app_connects_as_partnerstwa_app(fresh_db_url):
    app = create_app({"DATABASE_URL": fresh_db_url, "TESTING": True})
    assert app.test_client().get("/healthz").status_code == 200
    with get_engine_for(app).connect() as conn:
        assert conn.execute(sa.text("SELECT current_user")).scalar_one() == "partnerstwa_app"
    database = make_url(fresh_db_url).database
    probe = sa.create_engine(fresh_db_url, poolclass=sa.pool.NullPool)
    try:
        with probe.connect() as conn:
            users = set(conn.execute(sa.text(
                "SELECT usename FROM pg_stat_activity WHERE datname = :d"
                " AND pid <> pg_backend_pid()"), {"d": database}).scalars())
    finally:
        probe.dispose()
    # The pooled connection the request used is still open: it belongs to the app's role.
    assert users == {"partnerstwa_app"}


def test_an_explicit_app_url_is_used_as_given(fresh_db_url, monkeypatch):
    from services.config import Settings

    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    monkeypatch.setenv("PARTNERSTWA_APP_DB_ROLE", "kto_inny")
    assert make_url(Settings.from_env().app_url).username == "kto_inny"
    explicit = make_url(fresh_db_url).set(username="partnerstwa_app", password="x")
    monkeypatch.setenv("PARTNERSTWA_APP_DATABASE_URL",
                       explicit.render_as_string(hide_password=False))
    settings = Settings.from_env()
    assert make_url(settings.app_url).username == "partnerstwa_app"
    assert make_url(settings.app_url).password == "x"
    assert make_url(settings.database_url).username == make_url(fresh_db_url).username
