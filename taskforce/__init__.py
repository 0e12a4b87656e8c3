"""The task-force work-management application."""

import importlib.util
import logging
import os
import re
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask, abort, g, has_request_context, request, session
from flask_login import current_user

from config import DEFAULT_SECRET_KEY, config_from_env
from taskforce.extensions import (
    bootstrap,
    csrf,
    db,
    init_babel,
    init_migrate,
    limiter,
    login_manager,
)

log = logging.getLogger(__name__)
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def create_app(config_class=None, **overrides):
    """Build the application: configuration, extensions, blueprints, helpers, commands."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    app.config.from_object(config_class or config_from_env())
    app.config.update(overrides)
    app.config["BASE_URL"] = app.config.get("BASE_URL") or base_url_default(app.config)
    check_config(app)
    os.makedirs(app.config["INSTANCE_DIR"], exist_ok=True)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_request_hooks(app)
    register_commands(app)
    register_scheduler(app)
    return app


def check_config(app):
    """Refuse to start with settings that would fail later, or be unsafe in production."""
    if app.config.get("IS_PRODUCTION") and app.config["SECRET_KEY"] in ("", DEFAULT_SECRET_KEY):
        raise RuntimeError("SECRET_KEY must be set in production (it is the default one).")
    try:
        ZoneInfo(app.config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"Unknown time zone in TIMEZONE: {app.config['TIMEZONE']!r}") from None
    from taskforce.scheduler import check_schedule

    check_schedule(app.config)
    check_mail_and_reminders(app.config)
    if not workbooks_read_safely():  # uploaded workbooks could then carry XML entity attacks
        raise RuntimeError("openpyxl must read workbooks through defusedxml: install it, and "
                           "leave OPENPYXL_DEFUSEDXML unset.")


def base_url_default(config):
    """Where links in e-mails point when BASE_URL is not set.

    The address ``flask run`` serves (its --host and --port, so a server started on 5055 links
    to 5055), else SERVER_NAME, else http://127.0.0.1:5000. A job run by the embedded
    scheduler is in that same process, so its e-mails link there too.
    """
    context = click.get_current_context(silent=True)
    if context is not None and context.info_name == "run":
        host = context.params.get("host") or "127.0.0.1"
        host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # a link, not a bind  # noqa: S104  # nosec B104
        host = f"[{host}]" if ":" in host else host
        scheme = "https" if context.params.get("cert") else "http"
        return f"{scheme}://{host}:{context.params.get('port') or 5000}"
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    return "http://127.0.0.1:5000"


def workbooks_read_safely():
    """Whether openpyxl will parse through defusedxml, known without importing openpyxl."""
    # openpyxl decides so at import: defusedxml importable and OPENPYXL_DEFUSEDXML not "False".
    return importlib.util.find_spec("defusedxml") is not None \
        and os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True"


def check_mail_and_reminders(config):
    """Refuse malformed SMTP settings or reminder policy at start, not at the first send."""
    from taskforce.services.mail.transports import config_problems
    from taskforce.services.settings import policy_from_config

    problems = config_problems(config)
    if problems:
        raise RuntimeError("Mail settings: " + "; ".join(problems) + ".")
    try:
        policy_from_config(config)
    except ValueError as error:
        raise RuntimeError(f"Reminder settings: {error}.") from None


def select_locale():
    if not has_request_context():
        return None
    # An API request speaks the language of its token's user (set when the token is read).
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.locale
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    lang = session.get("lang")
    if lang:
        return lang
    return None


def register_extensions(app):
    from taskforce.services import kpi_cache

    db.init_app(app)
    kpi_cache.init_app(app)
    migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
    init_migrate(app, db, migrations)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    init_babel(app, locale_selector=lambda: select_locale() or app.config[
        "BABEL_DEFAULT_LOCALE"], timezone_selector=lambda: app.config["TIMEZONE"])
    bootstrap.init_app(app)
    limiter.init_app(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.needs_refresh_message = _l("Please log in again to confirm it is you.")

    from taskforce.models import User

    @login_manager.user_loader
    def load_user(user_id):
        ident, _, token = user_id.partition(":")
        if not ident.isdigit():
            return None
        user = db.session.get(User, int(ident))
        if user is None or not user.active or user.session_token != token:
            return None
        return user


def register_url_converters(app):
    """Read every ``<int:...>`` of a route as an id a row can have; before any route is added."""
    from taskforce.web.utils import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_blueprints(app):
    from taskforce import api
    from taskforce.web import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    api.init_app(app)


def register_error_handlers(app):
    from taskforce.web.errors import register

    register(app)


def register_template_helpers(app):
    from taskforce.web.helpers import register

    register(app)


def register_request_hooks(app):
    @app.before_request
    def assign_request_id():
        # A proxy's id is kept when it looks like one; anything else could forge log lines.
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:12]

    @app.before_request
    def refuse_nul_in_address():
        # NUL has no place in an address, and PostgreSQL refuses it in any text it compares.
        if "\x00" in request.path or any("\x00" in value for _key, value
                                         in request.args.items(multi=True)):
            abort(400)

    @app.before_request
    def refuse_large_bodies():
        # Werkzeug checks the limit only when a view reads the body; check every request.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and (request.content_length or 0) > limit:
            abort(413)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        if app.config.get("IS_PRODUCTION"):
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response


def register_commands(app):
    from taskforce import cli

    cli.register(app.cli)


def register_scheduler(app):
    """Run the scheduler inside the development server, once even under the reloader."""
    from taskforce import scheduler

    if scheduler.should_embed(app):
        scheduler.start_embedded(app)
