"""Error pages: 400, 403, 404, 413 and 500, in the user's language."""

import logging

from flask import g, render_template
from flask_wtf.csrf import CSRFError

from taskforce.extensions import db

log = logging.getLogger(__name__)


def register(app):
    def page(code):
        def handler(error):
            return render_template(f"errors/{code}.html", error=error), code

        return handler

    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, page(code))

    from taskforce.web.auth.routes import too_many_attempts

    app.register_error_handler(429, too_many_attempts)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/400.html", error=error, csrf=True), 400

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        # Flask hands over an InternalServerError; the traceback worth logging is the cause's.
        cause = getattr(error, "original_exception", None) or error
        log.error("request %s failed", g.get("request_id"), exc_info=cause)
        return render_template("errors/500.html", request_id=g.get("request_id")), 500
