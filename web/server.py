"""Serving the app with gunicorn (a production WSGI server), for `partnerstwa serve`."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from web import create_app

# Settings that older gunicorns (the requirement allows >= 22) do not know.
OPTIONAL = ("control_socket_disable",)


class _Gunicorn(BaseApplication):
    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in OPTIONAL and key not in self.cfg.settings:  # an older gunicorn
                continue
            self.cfg.set(key, value)

    def load(self):
        return self.application

    def __init__(self, options: dict):
        self.options = options
        self.application = create_app()
        super().__init__()


def run(host: str, port: int, *, workers: int = 2, threads: int = 4, timeout: int = 60) -> None:
    """Serve until interrupted. The app is built once and the workers are forked from it;
    database connections open lazily in each worker."""
    _Gunicorn({
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "timeout": timeout, "graceful_timeout": 10, "accesslog": "-",
        "worker_class": "gthread",
        # Import the heavy libraries once, before forking: the workers share those pages.
        "preload_app": True,
        # gunicorn >= 25.1 opens a control socket at one fixed path in the home folder (or
        # XDG_RUNTIME_DIR): a second `serve` would take over the first one's and remove it on
        # exit. We do not use gunicornc, so no instance opens one.
        "control_socket_disable": True,
    }).run()
