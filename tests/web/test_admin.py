"""Administration of accounts and units: good input saved, bad input refused on the form."""

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, Unit, User
from taskforce.services import accounts
from tests import factories


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def new_user(client, **fields):
    data = {"email": "new.person@example.test", "full_name": "Nguyễn Văn Mới",
            "role": "member", "unit_id": "0", "password": "long-enough-1", "active": "y"}
    data.update(fields)
    return client.post("/admin/users/new", data=data)


def test_admin_creates_an_account(app, client, login_as):
    login_as("admin")
    response = new_user(client, email="Tran.Thi.B@Example.test")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "tran.thi.b@example.test"))
    assert user.role == "member"
    assert accounts.check_password(user, "long-enough-1")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": ""}, "Trường này là bắt buộc."),
    ({"email": "not-an-email"}, "Địa chỉ e-mail không hợp lệ."),
    ({"email": "a@b"}, "Địa chỉ e-mail không hợp lệ."),
    ({"password": "short"}, "Mật khẩu phải có ít nhất 8 ký tự."),
    ({"password": ""}, "Mật khẩu phải có ít nhất 8 ký tự."),
    ({"role": "unit_officer", "unit_id": "0"}, "Cán bộ đầu mối phải thuộc một đơn vị."),
    ({"role": "unit_officer", "unit_id": "999999"}, "Lựa chọn không hợp lệ."),
    ({"role": "emperor"}, "Lựa chọn không hợp lệ."),
    ({"full_name": "   "}, "Trường này là bắt buộc."),
])
def test_bad_account_input_is_refused_and_changes_nothing(app, client, login_as, fields,
                                                           message):
    login_as("admin")
    before = count(User), count(AuditEvent)
    response = new_user(client, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert (count(User), count(AuditEvent)) == before


def test_duplicate_email_is_refused(app, client, login_as):
    admin = login_as("admin")
    before = count(User)
    response = new_user(client, email=admin.email.upper())
    assert "Đã có tài khoản dùng e-mail này." in response.get_data(as_text=True)
    assert count(User) == before


def test_unknown_unit_is_refused_by_the_service(app):
    from taskforce.services.errors import DomainError

    with pytest.raises(DomainError) as error:
        accounts.create_user(db.session, accounts.UserDraft(
            email="x@example.test", full_name="X", password="long-enough-1",
            role="unit_officer", unit_id=424242))
    assert error.value.field == "unit_id"


def test_admin_deactivates_an_account_and_cannot_deactivate_itself(app, client, login_as):
    admin = login_as("admin")
    other = factories.user(role="member")
    db.session.commit()
    data = {"email": other.email, "full_name": other.full_name, "role": "member",
            "unit_id": "0"}
    assert client.post(f"/admin/users/{other.id}", data=data).status_code == 302
    assert db.session.get(User, other.id).active is False
    data = {"email": admin.email, "full_name": admin.full_name, "role": "admin", "unit_id": "0"}
    page = client.post(f"/admin/users/{admin.id}", data=data).get_data(as_text=True)
    assert "Bạn không thể tự ngừng kích hoạt" in page
    assert db.session.get(User, admin.id).active is True


def unit_data(**fields):
    data = {"code": "STP", "name": "Sở Tư pháp", "kind": "department", "parent_id": "0",
            "focal_email": "dau-moi@stp.example.test", "notify_emails": "a@stp.example.test; "
            "b@stp.example.test", "display_order": "3", "active": "y"}
    data.update(fields)
    return data


def test_admin_creates_and_edits_a_unit(app, client, login_as):
    login_as("admin")
    assert client.post("/admin/units/new", data=unit_data()).status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.code == "STP"))
    assert unit.name_key == "so tu phap"
    assert unit.notify_list == ["dau-moi@stp.example.test", "a@stp.example.test",
                                "b@stp.example.test"]
    response = client.post(f"/admin/units/{unit.id}", data=unit_data(name="Sở Tư Pháp tỉnh"))
    assert response.status_code == 302
    db.session.refresh(unit)
    assert unit.name == "Sở Tư Pháp tỉnh"


@pytest.mark.parametrize(("fields", "message"), [
    ({"code": ""}, "Trường này là bắt buộc."),
    ({"name": ""}, "Trường này là bắt buộc."),
    ({"kind": "empire"}, "Lựa chọn không hợp lệ."),
    ({"parent_id": "987654"}, "Lựa chọn không hợp lệ."),
    ({"focal_email": "nope"}, "Địa chỉ e-mail không hợp lệ."),
    ({"notify_emails": "ok@example.test, broken@"}, "Địa chỉ e-mail không hợp lệ."),
    ({"display_order": "first"}, "Phải là số nguyên."),
])
def test_bad_unit_input_is_refused_and_changes_nothing(app, client, login_as, fields, message):
    login_as("admin")
    before = count(Unit)
    response = client.post("/admin/units/new", data=unit_data(**fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(Unit) == before


def test_duplicate_unit_code_is_refused(app, client, login_as):
    login_as("admin")
    factories.unit(code="STP")
    db.session.commit()
    before = count(Unit)
    response = client.post("/admin/units/new", data=unit_data(code="stp"))
    assert "Mã này đã được dùng cho đơn vị khác." in response.get_data(as_text=True)
    assert count(Unit) == before


def test_unit_list_and_page(app, client, login_as):
    login_as("viewer")
    unit = factories.unit(name="UBND huyện Ba Bể", kind="district", focal_name="Hoàng Văn A")
    factories.service(unit, level=4)
    db.session.commit()
    assert "UBND huyện Ba Bể" in client.get("/units").get_data(as_text=True)
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "Hoàng Văn A" in page and "100,0" in page
    assert client.get("/units/999999").status_code == 404
