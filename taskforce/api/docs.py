"""/api/v1/openapi.json (OpenAPI 3.1, generated from the views and schemas by flask-smorest)
and /api/v1/docs, the reference page: Swagger UI served from the swagger-ui-py package, no
CDN. Also the problem details of an address under /api/v1 that names nothing."""

import copy
import importlib.util
from http import HTTPStatus
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, send_from_directory
from flask_babel import gettext as _

from taskforce.api.base import PREFIX, PROBLEM, problem_response
from taskforce.api.views import public
from taskforce.extensions import csrf

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)

# Every operation may answer these; the bodies that change something also 413.
ANSWERS = (400, 401, 403, 404, 422, 429)
WRITES = ("post", "put", "patch")
SWAGGER_FILES = {"swagger-ui-bundle.js", "swagger-ui.css"}
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Taskforce API v1</title>
<link rel="stylesheet" href="{prefix}/docs/swagger-ui.css">
</head><body>
<div id="swagger-ui"></div>
<script src="{prefix}/docs/swagger-ui-bundle.js"></script>
<script src="{prefix}/docs/init.js"></script>
</body></html>
"""
INIT = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "%s/openapi.json", dom_id: "#swagger-ui",
                               deepLinking: true});
});
"""
# Swagger UI sets style attributes; its scripts come from here only.
DOCS_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "script-src 'self'; frame-ancestors 'none'; base-uri 'self'")


def swagger_dir():
    return Path(importlib.util.find_spec("swagger_ui").origin).parent / "static"


def _problem(status):
    return {"description": HTTPStatus(status).phrase, "content": {
        PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def description():
    """The API's OpenAPI document: flask-smorest's, with the problem answers and the bearer
    scheme of every operation."""
    api = current_app.extensions["taskforce_api"]
    spec = copy.deepcopy(api.spec.to_dict())
    spec.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
        "type": "http", "scheme": "bearer",
        "description": "A personal access token (tf_…) made on the account page or with "
                       "flask tokens create."}
    spec["security"] = [{"bearer": []}]
    for operations in spec.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            for status in list(responses):
                if int(status) >= 400:
                    del responses[status]
            for status in ANSWERS + ((413,) if method in WRITES else ()):
                responses[str(status)] = _problem(status)
    return spec


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(description())


@bp.route("/docs")
@public
def reference():
    response = Response(PAGE.format(prefix=PREFIX), mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response


@bp.route("/docs/init.js")
@public
def reference_script():
    return Response(INIT % PREFIX, mimetype="text/javascript")


@bp.route("/docs/<name>")
@public
def reference_file(name):
    if name not in SWAGGER_FILES:
        abort(404)
    return send_from_directory(swagger_dir(), name, max_age=86400)


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
def not_found(rest):
    return problem_response(404, _("No such address in the API."))
