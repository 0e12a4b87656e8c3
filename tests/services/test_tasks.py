"""Task services."""

from datetime import date

from taskforce.extensions import db
from taskforce.models import TaskKind
from taskforce.services import tasks
from tests import factories

TODAY = date(2020, 11, 20)


def test_create_smoke(app):
    leader = factories.user("leader")
    unit = factories.unit()
    svc = factories.service(unit)
    task = tasks.create_task(db.session, actor=leader, today=TODAY, kind=TaskKind.UPGRADE,
                             title="Nâng cấp", due_on=date(2020, 12, 15), unit=unit,
                             services=[svc])
    assert task.status == "new"
    assert tasks.classify(task, TODAY) == "open_on_time"
    assert tasks.count_by_classification(db.session, TODAY)["open_on_time"] == 1
