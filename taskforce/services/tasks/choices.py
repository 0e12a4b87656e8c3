"""The choices the task forms offer: members, the services a unit may still upgrade."""

from sqlalchemy import select

from taskforce.models import Member, Service, Task, TaskKind, member_units, task_services


def member_choices(session):
    """The active members of the task force, in the roster's order."""
    return session.scalars(select(Member).where(Member.active.is_(True))
                           .order_by(Member.display_order, Member.full_name)).all()


def upgradable_services(session, unit_id):
    """A unit's active services below level 4 that no open upgrade task covers yet."""
    if not unit_id:
        return []
    taken = (select(task_services.c.service_id)
             .join(Task, Task.id == task_services.c.task_id)
             .where(Task.kind == TaskKind.UPGRADE, Task.is_open()))
    return session.scalars(
        select(Service).where(Service.unit_id == unit_id, Service.active.is_(True),
                              Service.level < 4, Service.id.not_in(taken))
        .order_by(Service.code)).all()


def unit_follower(session, unit_id):
    """The first member (in roster order) who follows the unit, or None."""
    if not unit_id:
        return None
    return session.scalar(
        select(Member).join(member_units, member_units.c.member_id == Member.id)
        .where(member_units.c.unit_id == unit_id, Member.active.is_(True))
        .order_by(Member.display_order, Member.id).limit(1))
