"""Factories: small functions that add one valid object with sensible defaults."""

import itertools
from datetime import date

from taskforce.extensions import db
from taskforce.models import (
    ClaimStatus,
    LevelChange,
    Member,
    Position,
    Role,
    Service,
    ServiceUsage,
    Task,
    TaskKind,
    Unit,
    UnitKind,
    User,
)
from taskforce.services.accounts import hash_password
from taskforce.services.text import fold

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)
_HASH = None


def _password_hash():
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def unit(name=None, kind=UnitKind.DEPARTMENT, **kw):
    n = next(_seq)
    name = name or f"Sở Thử nghiệm {n}"
    obj = Unit(code=kw.pop("code", f"U{n:04d}"), name=name, name_key=fold(name), kind=kind,
               notify_emails=kw.pop("notify_emails", ""), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role=Role.VIEWER, email=None, unit=None, **kw):
    n = next(_seq)
    obj = User(email=email or f"user{n}@example.test", full_name=kw.pop("full_name", f"User {n}"),
               password_hash=_password_hash(), role=role,
               unit_id=unit.id if unit is not None else None, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def member(full_name=None, position=Position.MEMBER, user=None, units=(), **kw):
    n = next(_seq)
    obj = Member(full_name=full_name or f"Thành viên {n}", position=position,
                 user_id=user.id if user is not None else None, display_order=kw.pop(
                     "display_order", n), **kw)
    obj.units = list(units)
    db.session.add(obj)
    db.session.flush()
    return obj


def service(unit, level=3, listed_on=date(2020, 1, 1), name=None, code=None, **kw):
    """A service listed at ``level`` on ``listed_on`` (a verified initial level change)."""
    n = next(_seq)
    name = name or f"Thủ tục số {n}"
    obj = Service(code=code or f"S{n:05d}", name=name, name_key=fold(name), unit_id=unit.id,
                  level=level, **kw)
    db.session.add(obj)
    db.session.flush()
    db.session.add(LevelChange(service_id=obj.id, from_level=None, to_level=level,
                               effective_on=listed_on, status=ClaimStatus.VERIFIED,
                               source="initial"))
    db.session.flush()
    return obj


def level_change(service, to_level, on, status=ClaimStatus.VERIFIED, **kw):
    change = LevelChange(service_id=service.id, from_level=service.level, to_level=to_level,
                         effective_on=on, status=status, source=kw.pop("source", "claim"), **kw)
    if status == ClaimStatus.VERIFIED:
        service.level = to_level
    db.session.add(change)
    db.session.flush()
    return change


def usage(service, month, total=10, online=5, paid_online=0, digitised=None):
    row = ServiceUsage(service_id=service.id, month=month, dossiers_total=total,
                       dossiers_online=online, dossiers_paid_online=paid_online,
                       dossiers_digitised=digitised)
    db.session.add(row)
    db.session.flush()
    return row


def task(unit=None, due_on=date(2020, 12, 15), kind=TaskKind.GENERAL, **kw):
    n = next(_seq)
    obj = Task(kind=kind, title=kw.pop("title", f"Nhiệm vụ {n}"), unit_id=getattr(unit, "id", None),
               due_on=due_on, original_due_on=kw.pop("original_due_on", due_on), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj
