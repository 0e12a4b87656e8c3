"""The JSON API, /api/v1: flask-smorest blueprints over the same services and permission
table as the web pages, authenticated by personal access tokens, with an OpenAPI 3.1
description made from the code.

flask-smorest rather than APIFlask: it adds to the existing Flask app without replacing the
app class, the WTForms pages and their error handlers stay as they are, and its marshmallow
schemas document the bodies the views parse.

The API (flask-smorest with marshmallow, webargs, apispec and PyYAML: 0.15 s and 5 MiB) is
mounted when it is first used: the first request under /api/v1, ``flask openapi`` or
``flask routes``. A command, or a web worker that serves only pages, never imports it.
API_AT_START mounts it with the application (the tests, which read the route table).
"""

import threading

import click

PREFIX = "/api/v1"


def init_app(app):
    app.config.setdefault("API_TITLE", "Taskforce API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_RATE_LIMIT", "300 per minute")
    context = click.get_current_context(silent=True)
    if app.config.get("API_AT_START") or (context is not None
                                          and context.info_name == "routes"):
        load(app)
        return
    app.wsgi_app = MountOnFirstRequest(app, app.wsgi_app)
    app.cli.add_command(LazyOpenapiGroup())


def loaded(app):
    return "taskforce_api" in app.extensions


def load(app):
    """Mount the API on ``app`` (once)."""
    if not loaded(app):
        from taskforce.api.wiring import mount

        mount(app)


class MountOnFirstRequest:
    """WSGI middleware: the first request under /api/v1 mounts the API, then passes on.

    Flask allows blueprints only before the application's first request (after it, a route
    added while another request is matched could be half seen). Here the new routes all lie
    under /api/v1, which no page uses, and requests there wait on the lock until they are in:
    the guard is lifted for that one registration.
    """

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if not loaded(self.app) and environ.get("PATH_INFO", "").startswith(PREFIX):
            with self.lock:
                if not loaded(self.app):
                    started = self.app._got_first_request
                    self.app._got_first_request = False
                    try:
                        load(self.app)
                    finally:
                        self.app._got_first_request = started
        return self.wsgi_app(environ, start_response)


class LazyOpenapiGroup(click.Command):
    """``flask openapi``: flask-smorest's command group, the API mounted when it is run."""

    def __init__(self):
        super().__init__("openapi", help="OpenAPI commands.", add_help_option=False)

    @staticmethod
    def real():
        from flask import current_app

        app = current_app._get_current_object()
        load(app)
        return app.cli.commands["openapi"]

    def make_context(self, info_name, args, parent=None, **extra):
        return self.real().make_context(info_name, args, parent=parent, **extra)

    def get_short_help_str(self, limit=45):
        return "OpenAPI commands."
