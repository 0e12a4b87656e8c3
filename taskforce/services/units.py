"""Units: creating and editing departments, districts, the city and communes."""

from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from taskforce.models import Unit, UnitKind
from taskforce.services import audit
from taskforce.services.accounts import normalise_email
from taskforce.services.errors import DomainError
from taskforce.services.text import clean, fold


@dataclass(frozen=True)
class UnitDraft:
    """A unit's details as typed in, before the rules check them."""

    code: str
    name: str
    kind: str
    parent_id: int | None = None
    focal_name: str | None = None
    focal_title: str | None = None
    focal_email: str | None = None
    focal_phone: str | None = None
    notify_emails: str | None = None
    display_order: int | None = 0
    active: bool = True


def find_by_name_or_code(session, text):
    """The unit whose code is ``text`` or whose name matches it ignoring accents and case."""
    key = fold(text)
    if not key:
        return None
    by_code = session.scalar(select(Unit).where(func.lower(Unit.code) == key))
    return by_code or session.scalar(select(Unit).where(Unit.name_key == key))


def _clean_emails(text):
    addresses = [a for a in (text or "").replace(";", ",").replace("\n", ",").split(",")
                 if a.strip()]
    try:
        return ", ".join(normalise_email(a) for a in addresses)
    except DomainError as error:
        raise DomainError(error.message, field="notify_emails") from None


def _validated(session, unit, draft):
    values = asdict(draft)
    values["code"] = clean(values["code"])
    values["name"] = clean(values["name"])
    if not values["code"]:
        raise DomainError(_("Enter the unit's code."), field="code")
    if not values["name"]:
        raise DomainError(_("Enter the unit's name."), field="name")
    if values["kind"] not in set(UnitKind):
        raise DomainError(_("Choose the kind of unit."), field="kind")
    clash = session.scalar(select(Unit).where(func.lower(Unit.code) == values["code"].lower()))
    if clash is not None and clash is not unit:
        raise DomainError(_("Another unit already has this code."), field="code")
    parent_id = values["parent_id"]
    if parent_id is not None:
        if session.get(Unit, parent_id) is None:
            raise DomainError(_("Unknown unit."), field="parent_id")
        if unit is not None and parent_id == unit.id:
            raise DomainError(_("A unit cannot be its own parent."), field="parent_id")
    if values["focal_email"]:
        try:
            values["focal_email"] = normalise_email(values["focal_email"])
        except DomainError as error:
            raise DomainError(error.message, field="focal_email") from None
    else:
        values["focal_email"] = None
    values["notify_emails"] = _clean_emails(values["notify_emails"])
    for key in ("focal_name", "focal_title", "focal_phone"):
        values[key] = clean(values[key]) or None
    values["display_order"] = int(values["display_order"] or 0)
    values["active"] = bool(values["active"])
    values["name_key"] = fold(values["name"])
    return values


def create_unit(session, draft, *, actor):
    """Add a unit; raise DomainError naming the field that is wrong."""
    values = _validated(session, None, draft)
    unit = Unit(**values)
    session.add(unit)
    session.flush()
    audit.record(session, actor, "unit.create", unit, summary=unit.name, unit_id=unit.id)
    return unit


def update_unit(session, unit, draft, *, actor):
    """Change a unit's details; raise DomainError naming the field that is wrong."""
    values = _validated(session, unit, draft)
    changes = audit.diff(unit, values)
    for key, value in values.items():
        setattr(unit, key, value)
    if changes:
        audit.record(session, actor, "unit.update", unit, summary=unit.name, changes=changes,
                     unit_id=unit.id)
    return unit


def save_unit(session, unit, draft, *, actor):
    """Create (unit None) or update a unit."""
    if unit is None:
        return create_unit(session, draft, actor=actor)
    return update_unit(session, unit, draft, actor=actor)


def list_units(session, *, include_inactive=False):
    query = select(Unit).order_by(Unit.display_order, Unit.name)
    if not include_inactive:
        query = query.where(Unit.active.is_(True))
    return session.scalars(query).all()


def unit_options(session):
    """``(id, name)`` rows of the active units in display order, for filter lists.

    Plain rows, not Unit objects: a national list has thousands of units, and a filter
    shows only their names.
    """
    return session.execute(select(Unit.id, Unit.name).where(Unit.active.is_(True))
                           .order_by(Unit.display_order, Unit.name)).all()
