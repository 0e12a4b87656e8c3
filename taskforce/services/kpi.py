"""Key figures: the share of services at level 4, per unit and for the province, at a date.

Every figure is an SQL aggregate over the level history, so it can be asked for
any past date and costs a fixed number of queries whatever the catalog's size.
"""

import math
from dataclasses import asdict, dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, func, literal, select

from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage, Unit
from taskforce.services import settings


@dataclass
class Figures:
    services: int = 0
    level3: int = 0
    level4: int = 0
    level4_verified: int = 0
    effective4: int = 0
    share: float = 0.0
    share_verified: float = 0.0
    to_target: int = 0

    def as_dict(self):
        data = asdict(self)
        data["share"] = round(self.share, 4)
        data["share_verified"] = round(self.share_verified, 4)
        return data


def levels_as_of(as_of, statuses):
    """A subquery (service_id, level) of each service's latest change by ``as_of``."""
    ranked = (
        select(
            LevelChange.service_id,
            LevelChange.to_level.label("level"),
            func.row_number()
            .over(
                partition_by=LevelChange.service_id,
                order_by=(LevelChange.effective_on.desc(), LevelChange.id.desc()),
            )
            .label("rn"),
        )
        .where(LevelChange.effective_on <= as_of, LevelChange.status.in_(statuses))
        .subquery()
    )
    return select(ranked.c.service_id, ranked.c.level).where(ranked.c.rn == 1).subquery()


def _figures_query(as_of):
    verified = levels_as_of(as_of, [ClaimStatus.VERIFIED])
    claimed = levels_as_of(as_of, [ClaimStatus.VERIFIED, ClaimStatus.PENDING])
    window_start = date(as_of.year, as_of.month, 1) - relativedelta(months=2)
    used = (
        select(ServiceUsage.service_id)
        .where(ServiceUsage.month >= window_start, ServiceUsage.month <= as_of,
               ServiceUsage.dossiers_online > 0)
        .group_by(ServiceUsage.service_id)
        .subquery()
    )
    is4v = verified.c.level == 4
    return (
        select(
            Service.unit_id,
            func.count(Service.id).label("services"),
            func.sum(case((verified.c.level == 3, 1), else_=0)).label("level3"),
            func.sum(case((claimed.c.level == 4, 1), else_=0)).label("level4"),
            func.sum(case((is4v, 1), else_=0)).label("level4_verified"),
            func.sum(case((and_(is4v, used.c.service_id.is_not(None)), 1), else_=0))
            .label("effective4"),
        )
        .join(verified, verified.c.service_id == Service.id)
        .outerjoin(claimed, claimed.c.service_id == Service.id)
        .outerjoin(used, used.c.service_id == Service.id)
        .where(Service.active.is_(True))
        .group_by(Service.unit_id)
    )


def _finish(fig, target):
    if fig.services:
        fig.share = fig.level4 / fig.services
        fig.share_verified = fig.level4_verified / fig.services
    needed = math.ceil(target * fig.services - 1e-9)
    fig.to_target = max(0, needed - fig.level4_verified)
    return fig


def compute(session, as_of, target=None):
    """Figures for the province and for every active unit as of ``as_of``.

    Returns ``(province, [(unit, figures), ...])``; ``to_target`` counts the verified
    level-4 services still needed, since the verified figure is the official one.
    """
    target = settings.target_share(session) if target is None else target
    rows = {row.unit_id: row for row in session.execute(_figures_query(as_of))}
    units = session.scalars(
        select(Unit).where(Unit.active.is_(True)).order_by(Unit.display_order, Unit.name)
    ).all()
    province = Figures()
    per_unit = []
    for unit in units:
        row = rows.get(unit.id)
        fig = Figures()
        if row is not None:
            for key in ("services", "level3", "level4", "level4_verified", "effective4"):
                setattr(fig, key, int(getattr(row, key) or 0))
                setattr(province, key, getattr(province, key) + getattr(fig, key))
        per_unit.append((unit, _finish(fig, target)))
    return _finish(province, target), per_unit


def province_figures(session, as_of, target=None):
    """The province's figures alone, in one query."""
    target = settings.target_share(session) if target is None else target
    sub = _figures_query(as_of).subquery()
    row = session.execute(
        select(*(func.coalesce(func.sum(sub.c[k]), literal(0)).label(k)
                 for k in ("services", "level3", "level4", "level4_verified", "effective4")))
    ).one()
    fig = Figures(**{k: int(v) for k, v in row._mapping.items()})
    return _finish(fig, target)


def as_json(session, as_of, target=None):
    """The figures in the shape of ``flask kpi --json``."""
    target = settings.target_share(session) if target is None else target
    province, per_unit = compute(session, as_of, target)
    keys = ("services", "level3", "level4", "level4_verified", "share", "share_verified",
            "to_target")
    return {
        "as_of": as_of.isoformat(),
        "target": target,
        "province": {k: province.as_dict()[k] for k in keys},
        "units": [
            {"name": unit.name, "kind": unit.kind, **{k: fig.as_dict()[k] for k in keys}}
            for unit, fig in per_unit
        ],
    }
