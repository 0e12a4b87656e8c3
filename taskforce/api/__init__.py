"""The JSON API, /api/v1: flask-smorest blueprints over the same services and permission
table as the web pages, authenticated by personal access tokens, with an OpenAPI 3.1
description made from the code.

flask-smorest rather than APIFlask: it adds to the existing Flask app without replacing the
app class, the WTForms pages and their error handlers stay as they are, and its marshmallow
schemas document the bodies the views parse.
"""

from flask_smorest import Api

from taskforce.api import catalog, docs, reports, tasks
from taskforce.api.schemas import Problem, StatusUpdateMultipart
from taskforce.services.bounds import MAX_INT
from taskforce.web.utils import IdConverter

BLUEPRINTS = (tasks.bp, catalog.bp, reports.bp)


class TaskforceApi(Api):
    # Each operation lists the problems it answers (docs.description), not a catch-all.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """None for the whole app: the API blueprints answer problem details themselves
        and the web pages keep their own error pages."""


def init_app(app):
    app.config.setdefault("API_TITLE", "Taskforce API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_RATE_LIMIT", "300 per minute")
    api = TaskforceApi(app, spec_kwargs={"info": {"description": (
        "The task force's work as JSON: tasks, units, the catalog, claims, usage figures, "
        "indicators and reviews. Send a personal access token as Authorization: Bearer. "
        "Errors are RFC 9457 problem details (application/problem+json).")}})
    api.register_converter(IdConverter, lambda _converter: {
        "type": "integer", "minimum": 1, "maximum": MAX_INT})
    api.spec.components.schema("Problem", schema=Problem)
    api.spec.components.schema("StatusUpdateMultipart", schema=StatusUpdateMultipart)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    app.extensions["taskforce_api"] = api
