from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import User
from taskforce.services import accounts
from tests import factories


def test_users_create(app, runner):
    unit = factories.unit(code="STTTT", name="Sở Thông tin và Truyền thông")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "--email", "Can.Bo@Example.test",
                                 "--name", "Cán Bộ", "--role", "unit_officer",
                                 "--unit", "so thong tin va truyen thong",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "can.bo@example.test"))
    assert user.unit_id == unit.id
    assert accounts.check_password(user, "long-enough-1")


def test_users_create_refuses_bad_input(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "broken", "--name", "X",
                                 "--password", "long-enough-1"])
    assert result.exit_code != 0
    assert "This is not a valid e-mail address." in result.output
    result = runner.invoke(args=["users", "create", "--email", "x@example.test", "--name", "X",
                                 "--role", "unit_officer", "--unit", "Nowhere",
                                 "--password", "long-enough-1"])
    assert result.exit_code != 0
    assert "Unknown unit: Nowhere" in result.output
    assert db.session.scalars(select(User)).all() == []
