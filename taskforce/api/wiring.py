"""The API mounted on the application: flask-smorest's Api, its blueprints and the reference
page. Imported by ``taskforce.api.load``, when the API is first used (or at start, with
API_AT_START), never by the rest of the application.
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


def mount(app):
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
