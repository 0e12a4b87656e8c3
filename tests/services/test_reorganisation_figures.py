"""Figures across reorganisations: as of a date they show the units of that date."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Review, Role, Service, Unit, UnitKind
from taskforce.services import kpi, reorganisations, reviews
from taskforce.services.reorganisations import ReorganisationDraft, Successor
from tests import factories

NOW = datetime(2021, 3, 1, 2, 0, tzinfo=UTC)
TODAY = date(2021, 3, 1)
ON = date(2021, 1, 1)
BEFORE, AFTER = date(2020, 12, 31), date(2021, 1, 31)


@pytest.fixture
def world(app):
    """Huyện A: 3 services (one at level 4 from 01/06/2020, one from 15/01/2021); Huyện B: 2
    (one at level 4 from 01/09/2020); Sở C: 1 at level 3."""
    a = factories.unit("Huyện A", kind=UnitKind.DISTRICT, code="HA", display_order=1)
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, code="HB", display_order=2)
    c = factories.unit("Sở C", code="SC", display_order=3)
    a1 = factories.service(a, level=3, code="1.001")
    factories.level_change(a1, 4, date(2020, 6, 1))
    a2 = factories.service(a, level=3, code="1.002")
    factories.level_change(a2, 4, date(2021, 1, 15))
    factories.service(a, level=3, code="1.003")
    b1 = factories.service(b, level=3, code="1.001")
    factories.level_change(b1, 4, date(2020, 9, 1))
    factories.service(b, level=3, code="1.002")
    factories.service(c, level=3, code="2.001")
    return {"admin": factories.user(Role.ADMIN), "a": a, "b": b, "c": c}


def reorganise(world, change, from_codes, *successors, today=TODAY):
    draft = ReorganisationDraft(effective_on=ON, change=change, from_codes=tuple(from_codes),
                                successors=tuple(successors), basis="Nghị quyết số 1")
    reorganisations.record(db.session, [draft], actor=world["admin"], today=today, now=NOW)
    db.session.commit()


def by_code(as_of):
    _province, per_unit = kpi.compute(db.session, as_of)
    return {unit.code: (fig.services, fig.level4_verified) for unit, fig in per_unit}


def province(as_of):
    fig = kpi.compute(db.session, as_of)[0]
    return fig.services, fig.level4_verified


def test_without_a_reorganisation_nothing_changes(world):
    assert by_code(BEFORE) == {"HA": (3, 1), "HB": (2, 1), "SC": (1, 0)}
    assert by_code(AFTER) == {"HA": (3, 2), "HB": (2, 1), "SC": (1, 0)}


def test_a_merger_shows_the_old_units_before_and_the_new_one_after(world):
    db.session.commit()
    before = kpi.as_json(db.session, BEFORE)
    trend = kpi.monthly_trend(db.session, date(2020, 6, 1), AFTER)
    reorganise(world, "merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"))
    assert kpi.as_json(db.session, BEFORE) == before
    assert by_code(AFTER) == {"HAB": (5, 3), "SC": (1, 0)}
    # The province totals do not jump, month by month, across the merger.
    assert kpi.monthly_trend(db.session, date(2020, 6, 1), AFTER) == trend
    assert province(BEFORE) == (6, 2) and province(AFTER) == (6, 3)
    assert kpi.province_figures(db.session, BEFORE).level4_verified == 2


def test_a_merged_units_trend_is_the_sum_of_its_predecessors(world):
    reorganise(world, "merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"))
    new = db.session.scalar(select(Unit).where(Unit.code == "HAB"))
    points = [(d, kpi.unit_figures(db.session, new, d)) for d in
              (date(2020, 7, 31), date(2020, 9, 30), BEFORE, AFTER)]
    assert [(f.services, f.level4_verified) for _d, f in points] == [
        (5, 1), (5, 2), (5, 2), (5, 3)]
    old = world["a"]
    assert kpi.unit_figures(db.session, old, BEFORE).level4_verified == 1
    assert kpi.unit_figures(db.session, old, AFTER).services == 0


def test_a_split_gives_each_successor_its_services_from_the_date(world):
    reorganise(world, "split", ["HA"], Successor("HA1", "Xã A1", ("1.001",)),
               Successor("HA2", "Xã A2", ("1.002", "1.003")))
    assert by_code(BEFORE) == {"HA": (3, 1), "HB": (2, 1), "SC": (1, 0)}
    assert by_code(AFTER) == {"HA1": (1, 1), "HA2": (2, 1), "HB": (2, 1), "SC": (1, 0)}
    assert province(AFTER) == (6, 3)


def test_a_rename_and_a_dissolution(world):
    reorganise(world, "rename", ["SC"], Successor("SC2", "Sở C mới"))
    reorganise(world, "dissolve", ["HB"], Successor("HA"))
    assert by_code(BEFORE) == {"HA": (3, 1), "HB": (2, 1), "SC": (1, 0)}
    assert by_code(AFTER) == {"HA": (5, 3), "SC2": (1, 0)}


def test_a_future_reorganisation_moves_figures_only_from_its_date(world):
    reorganise(world, "merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"),
               today=date(2020, 12, 20))
    assert by_code(BEFORE) == {"HA": (3, 1), "HB": (2, 1), "SC": (1, 0)}
    # Recorded, not yet handed over (the job has not run on its date): the figures of its
    # date already show the new unit with the old ones' services, none lost in between.
    assert world["a"].active and db.session.scalar(
        select(func.count()).where(Service.unit_id == world["a"].id)) == 3
    assert by_code(AFTER) == {"HAB": (5, 3), "SC": (1, 0)}
    assert province(AFTER) == (6, 3)
    reorganisations.apply_due(db.session, today=ON, now=NOW)
    db.session.commit()
    assert by_code(BEFORE) == {"HA": (3, 1), "HB": (2, 1), "SC": (1, 0)}
    assert by_code(AFTER) == {"HAB": (5, 3), "SC": (1, 0)}


def test_a_past_review_never_changes(world):
    review = reviews.build_review(db.session, kind="monthly", start=date(2020, 12, 1),
                                  end=BEFORE, now=NOW, today=TODAY)
    db.session.commit()
    snapshot = review.snapshot
    reorganise(world, "merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"))
    db.session.expire_all()
    assert db.session.get(Review, review.id).snapshot == snapshot


def test_measures_follow_the_map_of_their_date(world):
    from taskforce.services import measures

    for service in db.session.scalars(select(Service).where(Service.unit_id == world["b"].id)):
        factories.usage(service, date(2020, 12, 1), total=10, online=4)
        factories.usage(service, date(2021, 1, 1), total=10, online=6)
    db.session.commit()
    before = {name: measures.compute(db.session, name, BEFORE) for name in ("share_at_class",
                                                                            "online_dossiers")}
    reorganise(world, "merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"))
    new = db.session.scalar(select(Unit).where(Unit.code == "HAB"))
    for name, result in before.items():
        assert measures.compute(db.session, name, BEFORE) == result
    share = measures.compute(db.session, "share_at_class", AFTER)
    assert share.units[new.id].numerator == 3 and share.units[new.id].denominator == 5
    assert world["a"].id not in share.units
    dossiers = measures.compute(db.session, "online_dossiers", AFTER)
    assert (dossiers.units[new.id].numerator, dossiers.units[new.id].denominator) == (20, 40)
    assert dossiers.overall == measures.compute(db.session, "online_dossiers", AFTER).overall


def test_a_change_dated_before_a_merger_reaches_the_old_units_figures(world):
    reorganise(world, "merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"))
    assert by_code(BEFORE)["HB"] == (2, 1)
    moved = db.session.scalar(select(Service).where(Service.code == "1.002",
                                                    Service.unit_id != world["a"].id).join(
        Unit, Unit.id == Service.unit_id).where(Unit.code == "HAB").order_by(Service.id.desc()))
    factories.level_change(moved, 4, date(2020, 10, 1))
    db.session.commit()
    assert by_code(BEFORE)["HB"] == (2, 2)
    assert by_code(AFTER)["HAB"] == (5, 4)
