"""The API's marshmallow schemas: what a request may send (shapes and types only; the rules
are the services') and what a response holds. The OpenAPI description is made from them."""

from datetime import date, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf, Range

from taskforce.models import (
    ClaimStatus,
    Decision,
    ExtensionRequest,
    Indicator,
    LevelChange,
    Plan,
    Priority,
    Review,
    ReviewKind,
    Service,
    StatusUpdate,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
)
from taskforce.services.bounds import FIRST_DATE, LAST_DATE, MAX_INT
from taskforce.services.tasks.lists import OPEN_WORK, SORTS

TEXT_MAX = 4000


class Text(fields.String):
    """A string a database column can hold: no NUL, valid Unicode (no lone surrogates)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Text may not contain NUL characters.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("Text must be valid Unicode.") from None
        return text


def Day(**kwargs):  # noqa: N802 - a field factory, named as the fields are
    """A date the product plans for (2000-2099)."""
    return fields.Date(validate=Range(FIRST_DATE, LAST_DATE), **kwargs)


def Id(strict=True, **kwargs):  # noqa: N802
    """A row's id: strict in a JSON body, read from text in a query."""
    return fields.Integer(strict=strict, validate=Range(1, MAX_INT), **kwargs)


def _values(enum):
    return [member.value for member in enum]


# Requests -------------------------------------------------------------------------------

class PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=Range(1, 999_999))
    per_page = fields.Integer(load_default=25, validate=Range(1, 200))


class TaskQuery(PageQuery):
    unit = Id(False, load_default=None, metadata={"description": "Tasks of this unit."})
    member = Id(False, load_default=None,
                metadata={"description": "Followed or done by this member."})
    status = fields.String(load_default="", validate=OneOf(["", OPEN_WORK,
                                                            *_values(TaskStatus)]))
    kind = fields.String(load_default="", validate=OneOf(["", *_values(TaskKind)]))
    due_within = fields.Integer(load_default=None, validate=Range(0, 3650),
                                metadata={"description": "Open and due within so many days."})
    overdue = fields.Boolean(load_default=False)
    q = Text(load_default="", validate=Length(max=200))
    sort = fields.String(load_default="due", validate=OneOf(list(SORTS)))
    dir = fields.String(load_default="", validate=OneOf(["", "asc", "desc"]))


class ServiceQuery(PageQuery):
    q = Text(load_default="", validate=Length(max=200))
    unit = Id(False, load_default=None)
    level = fields.Integer(load_default=None, validate=Range(1, 4))


class ReviewQuery(PageQuery):
    kind = fields.String(load_default="", validate=OneOf(["", *_values(ReviewKind)]))


class ClaimQuery(PageQuery):
    unit = Id(False, load_default=None)


class IndicatorQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    as_of = Day(load_default=None, metadata={"description": "Default: today."})
    plan = Text(load_default="", validate=Length(max=50),
                metadata={"description": "A plan's code; default: the default plan."})


class TaskCreate(Schema):
    kind = fields.String(required=True, validate=OneOf(_values(TaskKind)))
    title = Text(required=True, validate=Length(max=1000))
    due_on = Day(required=True)
    unit = Id(load_default=None)
    assignee = Id(load_default=None, metadata={"description": "A member's id."})
    follower = Id(load_default=None, metadata={"description": "A member's id."})
    priority = fields.String(load_default=Priority.NORMAL.value,
                             validate=OneOf(_values(Priority)))
    description = Text(load_default="", validate=Length(max=TEXT_MAX * 2))
    doc_number = Text(load_default=None, allow_none=True, validate=Length(max=200))
    doc_date = Day(load_default=None, allow_none=True)
    doc_title = Text(load_default=None, allow_none=True, validate=Length(max=1000))
    services = fields.List(Id(), load_default=list, validate=Length(max=500))


class TaskEdit(Schema):
    """The fields to change; those left out stay as they are."""

    title = Text(validate=Length(max=1000))
    description = Text(validate=Length(max=TEXT_MAX * 2))
    priority = fields.String(validate=OneOf(_values(Priority)))
    follower = Id(allow_none=True)
    doc_number = Text(allow_none=True, validate=Length(max=200))
    doc_date = Day(allow_none=True)
    doc_title = Text(allow_none=True, validate=Length(max=1000))


class StatusUpdateForm(Schema):
    note = Text(load_default="", validate=Length(max=TEXT_MAX * 2))
    progress = fields.Integer(load_default=None, validate=Range(-1000, 1000))
    status = fields.String(load_default="", validate=OneOf(["", *_values(TaskStatus)]))


class Evidence(Schema):
    files = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}),
                        load_default=list, metadata={"description": "Up to five files."})


class StatusUpdateMultipart(StatusUpdateForm, Evidence):
    """The status update's form fields and files together (documentation only)."""


class AcceptBody(Schema):
    note = Text(load_default="", validate=Length(max=TEXT_MAX * 2))
    shortfall_reason = Text(load_default=None, allow_none=True,
                            validate=Length(max=TEXT_MAX * 2))


class ReasonBody(Schema):
    reason = Text(required=True, validate=Length(max=TEXT_MAX * 2))


class ExtensionBody(Schema):
    requested_due_on = Day(required=True)
    reason = Text(required=True, validate=Length(max=TEXT_MAX * 2))


class DecisionBody(Schema):
    approve = fields.Boolean(required=True)
    note = Text(load_default=None, allow_none=True, validate=Length(max=TEXT_MAX * 2))


class ClaimBody(Schema):
    to_level = fields.Integer(required=True, validate=Range(1, 4))
    effective_on = Day(required=True)
    note = Text(load_default=None, allow_none=True, validate=Length(max=TEXT_MAX))
    prerequisites = fields.Dict(keys=fields.String(validate=OneOf(
        ["online_processing", "online_payment", "online_result", "evaluation"])),
        values=fields.Boolean(), load_default=dict)


class UsageFigure(Schema):
    code = Text(required=True, validate=Length(min=1, max=100))
    total = fields.Integer(required=True, strict=True, validate=Range(0, MAX_INT))
    online = fields.Integer(load_default=0, strict=True, validate=Range(0, MAX_INT))
    paid_online = fields.Integer(load_default=0, strict=True, validate=Range(0, MAX_INT))
    digitised = fields.Integer(load_default=None, allow_none=True, strict=True,
                               validate=Range(0, MAX_INT),
                               metadata={"description": "Omitted or null: kept as it is."})


class UsageBody(Schema):
    services = fields.List(fields.Nested(UsageFigure), required=True,
                           validate=Length(min=1, max=5000))


# Responses ------------------------------------------------------------------------------

class Links(Schema):
    self = fields.String()
    first = fields.String()
    last = fields.String()
    prev = fields.String(allow_none=True)
    next = fields.String(allow_none=True)


def page_of(item_schema, name):
    """The schema of one page of ``item_schema``."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)), "page": fields.Integer(),
        "per_page": fields.Integer(), "total": fields.Integer(), "pages": fields.Integer(),
        "links": fields.Nested(Links)}, name=name)


class Ref(Schema):
    id = fields.Integer()
    name = fields.String()


# The response fields of a model's columns: the column's type, null where the column may be
# (``fields.Date`` after ``fields.DateTime``: a datetime is a date too).
FIELD_OF_TYPE = ((bool, fields.Boolean), (int, fields.Integer), (float, fields.Float),
                 (datetime, fields.DateTime), (date, fields.Date), (str, fields.String))


def columns(model, names, **fields_given):
    """``model``'s columns ``names`` (one string) as response fields, and ``fields_given``."""
    made = {}
    for name in names.split():
        column = model.__table__.columns[name]
        stored = getattr(column.type, "impl_instance", column.type)  # a TypeDecorator's own
        kind = next(field for python_type, field in FIELD_OF_TYPE
                    if issubclass(stored.python_type, python_type))
        made[name] = kind(allow_none=True) if column.nullable else kind()
    return {**made, **fields_given}


UnitOut = Schema.from_dict(columns(Unit, "id code name kind active"), name="UnitOut")


class Figures(Schema):
    progress = fields.Integer()
    covered = fields.Integer()
    level4 = fields.Integer()
    extensions = fields.Integer()
    klass = fields.String(allow_none=True, data_key="class")
    overdue = fields.Boolean()


TaskOut = Schema.from_dict(columns(
    Task, "id kind title description status priority progress due_on original_due_on unit_id "
    "assignee_id follower_id doc_number doc_date doc_title created_at updated_at completed_on "
    "shortfall_reason cancelled_reason",
    services=fields.Function(lambda task: [service.id for service in task.services], metadata={
        "type": "array", "items": {"type": "integer"}, "description": "The services' ids."})),
    name="TaskOut")


class TaskListItem(TaskOut):
    figures = fields.Nested(Figures)


class Entry(Schema):
    at = fields.DateTime()
    kind = fields.String()
    actor = fields.String(allow_none=True)
    detail = fields.Dict()


class TaskDetail(TaskOut):
    figures = fields.Nested(Figures)
    actions = fields.List(fields.String(), metadata={
        "description": "What the token's user may do to the task now."})
    timeline = fields.List(fields.Nested(Entry))


UpdateOut = Schema.from_dict(columns(
    StatusUpdate, "id task_id created_at progress note status_from status_to",
    files=fields.List(fields.Integer())), name="UpdateOut")
ExtensionOut = Schema.from_dict(columns(
    ExtensionRequest, "id task_id previous_due_on requested_due_on reason decision_note",
    decision=fields.String(validate=OneOf(_values(Decision)))), name="ExtensionOut")
ClaimOut = Schema.from_dict(columns(
    LevelChange, "id service_id from_level to_level effective_on source task_id claimed_by_id "
    "claimed_at verified_by_id verified_at return_reason evidence_note evidence_id",
    status=fields.String(validate=OneOf(_values(ClaimStatus)))), name="ClaimOut")
ServiceOut = Schema.from_dict(columns(
    Service, "id code name field unit_id tier level online_class has_fee has_online_payment "
    "has_online_result is_connected_evaluation"), name="ServiceOut")


class ServiceDetail(ServiceOut):
    history = fields.List(fields.Nested(ClaimOut), metadata={
        "description": "The service's level changes (its class history), oldest first."})


class UsageOut(Schema):
    service_id = fields.Integer()
    code = fields.String()
    month = fields.String()
    total = fields.Integer()
    online = fields.Integer()
    paid_online = fields.Integer()
    digitised = fields.Integer(allow_none=True)


class UnitMonth(Schema):
    """What a unit's month of usage figures is known by."""

    unit_id = fields.Integer()
    month = fields.String()


class UsageMonth(UnitMonth):
    services = fields.List(fields.Nested(UsageOut))


class UsagePushed(UnitMonth):
    added = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


class UnitValue(Schema):
    unit = fields.String()
    value = fields.Float(allow_none=True)


IndicatorOut = Schema.from_dict(columns(
    Indicator, "code name measure", value=fields.Float(allow_none=True),
    target=fields.Float(allow_none=True), target_on=fields.String(allow_none=True),
    projected=fields.Float(allow_none=True), status=fields.String(allow_none=True),
    pace=fields.Float(allow_none=True), pace_services=fields.Integer(allow_none=True),
    units=fields.List(fields.Nested(UnitValue))), name="IndicatorOut")
PlanRef = Schema.from_dict(columns(Plan, "code name"), name="PlanRef")


class IndicatorsOut(Schema):
    as_of = fields.Date()
    plan = fields.Nested(PlanRef)
    indicators = fields.List(fields.Nested(IndicatorOut))


ReviewOut = Schema.from_dict(columns(
    Review, "id kind period_start period_end number created_at"), name="ReviewOut")


class ReviewDetail(ReviewOut):
    snapshot = fields.Dict()


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "The messages of each invalid field."})

