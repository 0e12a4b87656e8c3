"""The e-mail settings pages: one's own address, and a unit's addresses by who acts for it."""

from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, MailPreference
from taskforce.services.mail import workflow
from tests import factories


def stored():
    return {row.address: (row.locale, row.mode) for row in db.session.scalars(
        select(MailPreference))}


def test_a_user_sets_the_language_and_delivery_of_their_own_address(client, login_as):
    user = login_as("member", email="Thanh-Vien@tct.test")
    page = client.get("/account/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Thanh-Vien@tct.test" in html and 'selected value="digest"' in html
    response = client.post("/account/mail", data={"locale": "en", "mode": "immediate",
                                                  "submit": "1"})
    assert response.status_code == 302
    assert stored() == {"thanh-vien@tct.test": ("en", "immediate")}
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.actor_id == user.id)) == "mail.preference"
    assert 'selected value="immediate"' in client.get("/account/mail").get_data(as_text=True)


def test_bad_choices_are_refused_where_typed_and_change_nothing(client, login_as):
    login_as("viewer")
    for data in ({"locale": "fr", "mode": "digest"}, {"locale": "vi", "mode": "weekly"},
                 {"locale": "vi\x00", "mode": ""}):
        response = client.post("/account/mail", data={**data, "submit": "1"})
        assert response.status_code == 200
        assert "is-invalid" in response.get_data(as_text=True)
    assert stored() == {}


def test_the_units_officer_sets_each_address_of_the_unit(client, login_as):
    unit = factories.unit(name="Sở Tư pháp", focal_email="dau-moi@stp.test",
                          notify_emails="van-thu@stp.test")
    login_as("unit_officer", unit=unit)
    page = client.get(f"/units/{unit.id}/mail").get_data(as_text=True)
    assert "dau-moi@stp.test" in page and "van-thu@stp.test" in page
    assert 'id="a0-locale"' in page and 'id="a1-locale"' in page  # no id twice
    assert f'href="/units/{unit.id}/mail"' in client.get(f"/units/{unit.id}").get_data(
        as_text=True)
    response = client.post(f"/units/{unit.id}/mail", data={
        "a1-address": "van-thu@stp.test", "a1-locale": "en", "a1-mode": "immediate",
        "a1-submit": "1"})
    assert response.status_code == 302
    assert stored() == {"van-thu@stp.test": ("en", "immediate")}
    assert workflow.choices(db.session, ["van-thu@stp.test"])["van-thu@stp.test"][1:] == \
        ("en", "immediate")
    # An address that is not the unit's is refused on the page; nothing changes.
    refused = client.post(f"/units/{unit.id}/mail", data={
        "a0-address": "other@elsewhere.test", "a0-locale": "en", "a0-mode": "immediate",
        "a0-submit": "1"})
    assert refused.status_code == 200
    assert "This address is not one you may set." in refused.get_data(as_text=True) or \
        "Bạn không được thiết lập cho địa chỉ này." in refused.get_data(as_text=True)
    assert stored() == {"van-thu@stp.test": ("en", "immediate")}
    assert db.session.scalar(select(func.count(MailPreference.id))) == 1


def test_another_units_officer_may_not(client, login_as):
    unit = factories.unit(focal_email="dau-moi@stp.test")
    login_as("unit_officer")
    assert client.get(f"/units/{unit.id}/mail").status_code == 403
    assert client.post(f"/units/{unit.id}/mail", data={
        "a0-address": "dau-moi@stp.test", "a0-locale": "en", "a0-mode": "immediate",
        "a0-submit": "1"}).status_code == 403
    assert stored() == {}
