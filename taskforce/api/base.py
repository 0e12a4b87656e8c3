"""What every API blueprint shares: the token that authenticates a request, its scope, the
rate limit per token, problem details (RFC 9457) for every error, writes through the services,
paging.

A request is authenticated by ``Authorization: Bearer tf_…`` only: session cookies are not
read, and CSRF does not apply (the blueprints are exempt). What a token's user may do is
asked of ``taskforce/permissions.py`` as on the web; the services refuse what the web refuses.
"""

from http import HTTPStatus
from urllib.parse import urlencode

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from taskforce import permissions
from taskforce.api import PREFIX
from taskforce.extensions import csrf, db, limiter
from taskforce.services import clock
from taskforce.services import tokens as token_service
from taskforce.services.errors import NotFound, PermissionDenied
from taskforce.web.submit import attempt

PROBLEM = "application/problem+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_PER_PAGE = 200
# Each problem's ``type``: a reference into the API's reference page.
TYPES = {
    400: "bad-request", 401: "unauthenticated", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 409: "conflict", 413: "too-large", 422: "validation",
    429: "rate-limited", 500: "server-error",
}


class ApiError(HTTPException):
    """An error answered as problem details, with its ``errors`` field map when given."""

    def __init__(self, status, detail=None, errors=None, headers=None):
        super().__init__(description=detail)
        self.code = status
        self.errors = errors
        self.extra_headers = headers or {}


def problem_response(status, detail=None, errors=None, headers=None):
    body = {"type": f"{PREFIX}/docs#problem-{TYPES.get(status, 'error')}",
            "title": HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _webargs_errors(error):
    # flask-smorest's abort(422) carries webargs' messages: {location: {field: [texts]}}.
    messages = getattr(error, "data", {}).get("messages") or {}
    errors = {}
    for fields in messages.values():
        if isinstance(fields, dict):
            for name, texts in fields.items():
                errors[str(name)] = [str(t) for t in texts] if isinstance(texts, list) \
                    else [str(texts)]
    return errors


def handle_http_error(error):
    status = error.code or 500
    if isinstance(error, ApiError):
        return problem_response(status, error.description, error.errors, error.extra_headers)
    if status == 422:
        errors = _webargs_errors(error)
        return problem_response(422, _("The request has invalid fields."), errors or None)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problem_response(status, _details().get(status), headers=headers)


def _details():
    # Werkzeug's own descriptions are long and English; these follow the caller's language.
    return {
        400: _("The request could not be read (malformed JSON, a form or an address)."),
        401: _("Send a valid API token: Authorization: Bearer tf_…"),
        403: _("Your account may not see or change this."),
        404: _("Not found, or not visible to your account."),
        405: _("This address does not take this method."),
        413: _("The request is too large."),
        429: _("Too many requests with this token; wait a minute and try again."),
    }


def handle_server_error(error):
    db.session.rollback()
    current_app.logger.error("API request %s failed", g.get("request_id"),
                             exc_info=getattr(error, "original_exception", None) or error)
    return problem_response(500, _("The server failed; the error is logged under the "
                                   "request id %(id)s.", id=g.get("request_id", "")))


def token_key():
    """The rate limit's key: the token sent (hashed), else the caller's address."""
    scheme, _sp, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "api-token:" + token_service.digest(secret.strip())[:32]
    return "api-address:" + (request.remote_addr or "")


def rate_limit():
    return current_app.config["API_RATE_LIMIT"]


def authenticate():
    """Before every API view: the token's user in ``g.api_user``, or a 401; scope checked."""
    scheme, _sp, secret = request.headers.get("Authorization", "").partition(" ")
    token = None
    if scheme.lower() == "bearer":
        token = token_service.authenticate(db.session, secret.strip(), now=clock.now())
    if token is None:
        db.session.rollback()
        raise ApiError(401, _("Send a valid API token: Authorization: Bearer tf_…"),
                       headers={"WWW-Authenticate": 'Bearer realm="api"'})
    db.session.commit()  # the token's last use
    g.api_token, g.api_user = token, token.user
    if request.method not in SAFE_METHODS and token.scope != "write":
        raise ApiError(403, _("This token may only read: make a token with the write scope."))


def api_blueprint(name, description):
    """A flask-smorest blueprint of the API: token authentication, rate limit, problem
    details, no CSRF."""
    bp = Blueprint(name, __name__, url_prefix=PREFIX, description=description)
    bp.before_request(authenticate)
    for status in TYPES:
        bp.register_error_handler(status, handle_server_error if status == 500
                                  else handle_http_error)
    bp.register_error_handler(HTTPException, handle_http_error)
    csrf.exempt(bp)
    limiter.shared_limit(rate_limit, scope="api-v1", key_func=token_key)(bp)
    return bp


# What the views share ---------------------------------------------------------------------

def caller():
    return g.api_user


def require(action):
    """Refuse with 403 unless the token's user may ``action`` (no object: the role)."""
    if not permissions.can(caller(), action):
        raise ApiError(403, _("Your account may not do this."))


def get_or_404(model, ident, action=None):
    """``permissions.get_or_404`` for the token's user."""
    return permissions.get_or_404(model, ident, caller(), action)


def _refusal(error):
    if isinstance(error, PermissionDenied):
        return ApiError(403, error.message)
    if isinstance(error, NotFound):
        return ApiError(404, error.message)
    return ApiError(422, error.message,
                    errors={error.field: [error.message]} if error.field else None)


def change(call):
    """Run a service's write: committed, or rolled back and its refusal answered."""
    outcome = attempt(call)
    if not outcome.ok:
        db.session.rollback()
        raise _refusal(outcome.error)
    db.session.commit()
    return outcome.value


def act(service, target, *, today=False, **values):
    """``change``: ``service(session, target, actor=…, now=…, **values)`` for the token's user,
    with ``today=`` too where the service asks for it."""
    moment = {"now": clock.now(), **({"today": clock.today()} if today else {})}
    return change(lambda: service(db.session, target, actor=caller(), **moment, **values))


def read(call):
    """Run a service's reading that may refuse; its refusal answered, nothing committed."""
    outcome = attempt(call)
    if not outcome.ok:
        raise _refusal(outcome.error)
    return outcome.value


def refuse(status, detail, field=None):
    raise ApiError(status, detail, errors={field: [detail]} if field else None)


def _link(page, per_page, args):
    query = {**args, "page": page, "per_page": per_page}
    return f"{request.path}?{urlencode(query)}"


def paged(query, args, serialise=None):
    """One page of ``query`` as the API pages: items, page, per_page, total, pages, links."""
    page_number, per_page = args.pop("page", 1), args.pop("per_page", 25)
    page = db.paginate(query, page=page_number, per_page=per_page, error_out=False,
                       max_per_page=MAX_PER_PAGE)
    return _page(page.items, page.total, page_number, per_page, args, serialise)


def paged_list(items, args, serialise=None):
    """``paged`` for a list already read (a few dozen units)."""
    page_number, per_page = args.pop("page", 1), args.pop("per_page", 25)
    start = (page_number - 1) * per_page
    return _page(items[start:start + per_page], len(items), page_number, per_page, args,
                 serialise)


def _page(items, total, page_number, per_page, args, serialise):
    plain = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in args.items()
             if v not in (None, "", False)}
    pages = -(-total // per_page)
    last = max(pages, 1)
    links = {"self": _link(page_number, per_page, plain), "first": _link(1, per_page, plain),
             "last": _link(last, per_page, plain),
             "prev": _link(page_number - 1, per_page, plain) if page_number > 1 else None,
             "next": _link(page_number + 1, per_page, plain) if page_number < last else None}
    return {"items": serialise(items) if serialise is not None else items,
            "page": page_number, "per_page": per_page, "total": total, "pages": pages,
            "links": links}
