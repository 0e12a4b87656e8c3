"""The roster: members of the task force, in the order of the founding decision."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from taskforce.models import Member, Position, Unit, User, member_units
from taskforce.services import audit
from taskforce.services.accounts import normalise_email
from taskforce.services.errors import DomainError
from taskforce.services.text import clean

POSITION_ORDER = {p: i for i, p in enumerate(Position)}


@dataclass(frozen=True)
class MemberDraft:
    """A member's details as typed in, before the rules check them."""

    full_name: str
    position: str
    is_invited: bool = False
    title: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    display_order: int | None = 0
    user_id: int | None = None
    unit_ids: tuple[int, ...] = ()
    active: bool = True


def list_members(session, include_inactive=False):
    """Members ordered by position, then by their order in the decision."""
    query = select(Member).options(selectinload(Member.units), selectinload(Member.user))
    if not include_inactive:
        query = query.where(Member.active.is_(True))
    members = session.scalars(query.order_by(Member.display_order, Member.id)).all()
    return sorted(members, key=lambda m: (POSITION_ORDER.get(m.position, 9), m.display_order))


def followers_of(session, unit):
    """The members who follow ``unit``, in the order of the decision, with their accounts."""
    return session.scalars(
        select(Member).join(member_units).where(member_units.c.unit_id == unit.id)
        .options(selectinload(Member.user)).order_by(Member.display_order)
    ).all()


def _validated(session, member, draft):
    values = {
        "full_name": clean(draft.full_name),
        "position": draft.position,
        "is_invited": bool(draft.is_invited),
        "title": clean(draft.title) or None,
        "organisation": clean(draft.organisation) or None,
        "phone": clean(draft.phone) or None,
        "display_order": int(draft.display_order or 0),
        "active": bool(draft.active),
    }
    if not values["full_name"]:
        raise DomainError(_("Enter the member's name."), field="full_name")
    if values["position"] not in set(Position):
        raise DomainError(_("Choose a position."), field="position")
    email = (draft.email or "").strip()
    values["email"] = normalise_email(email) if email else None
    user_id = draft.user_id
    if user_id is not None:
        if session.get(User, user_id) is None:
            raise DomainError(_("Unknown account."), field="user_id")
        clash = session.scalar(select(Member).where(Member.user_id == user_id))
        if clash is not None and clash is not member:
            raise DomainError(_("This account already belongs to another member."),
                              field="user_id")
    values["user_id"] = user_id
    unit_ids = list(dict.fromkeys(draft.unit_ids or ()))
    units = session.scalars(select(Unit).where(Unit.id.in_(unit_ids))).all() if unit_ids else []
    if len(units) != len(unit_ids):
        raise DomainError(_("Unknown unit."), field="unit_ids")
    return values, units


def save_member(session, member, draft, *, actor):
    """Create (member None) or update a member and the units they follow."""
    values, units = _validated(session, member, draft)
    creating = member is None
    if creating:
        member = Member()
        session.add(member)
        changes = None
    else:
        changes = audit.diff(member, values)
        old_units = sorted(u.id for u in member.units)
        if old_units != sorted(u.id for u in units):
            changes["units"] = [old_units, sorted(u.id for u in units)]
    for key, value in values.items():
        setattr(member, key, value)
    member.units = units
    session.flush()
    if creating or changes:
        audit.record(session, actor, "member.create" if creating else "member.update", member,
                     summary=member.full_name, changes=changes)
    return member
