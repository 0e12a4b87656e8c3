"""Online classes: every spelling officials use, the words by date, the switch date setting."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage
from taskforce.services import kpi, measures, online_classes, settings
from taskforce.services.online_classes import class_label, parse_class
from tests import factories
from tests.sheets import table

SWITCH = date(2022, 8, 1)


@pytest.mark.parametrize(("text", "level"), [
    ("4", 4), (4, 4), (4.0, 4), ("4.0", 4), ("3", 3), ("1", 1),
    ("Mức độ 4", 4), ("mức độ 4", 4), ("MỨC ĐỘ 4", 4), ("Muc do 4", 4), ("mức 4", 4),
    ("Mức4", 4), ("DVC mức độ 4", 4), ("DVCTT mức độ 4", 4), ("dvctt muc do 4", 4),
    ("Dịch vụ công trực tuyến mức độ 4", 4), ("Mức độ IV", 4), ("Level 4", 4),
    ("Mức độ 3", 3), ("DVC mức độ 3", 3), ("Mức độ 2", 2), ("mức độ 1", 1),
    ("Toàn trình", 4), ("toàn trình", 4), ("TOÀN TRÌNH", 4), ("Toan trinh", 4),
    ("DVCTT toàn trình", 4), ("DVC toàn trình", 4), ("TT toàn trình", 4),
    ("Trực tuyến toàn trình", 4), ("Dịch vụ công trực tuyến toàn trình", 4),
    ("Một phần", 3), ("một phần", 3), ("Mot phan", 3), ("TT một phần", 3),
    ("DVCTT một phần", 3), ("DVC một phần", 3), ("Dịch vụ công trực tuyến một phần", 3),
    ("Mức độ 4 - Toàn trình", 4), ("Một phần (mức độ 3)", 3),
    ("Cung cấp thông tin", 1), ("Dịch vụ cung cấp thông tin trực tuyến", 1),
    ("Full online", 4), ("Partial online", 3), ("Information only", 1),
])
def test_parse_class_reads_both_vocabularies(text, level):
    assert parse_class(text) == level


@pytest.mark.parametrize("text", [
    None, "", "   ", "5", "0", 3.5, True, "Mức độ 5", "Mức độ 3, 4", "mức độ cao",
    "Toàn trình một phần", "Mức độ 4 (một phần)", "trực tuyến", "DVCTT", "abc",
])
def test_parse_class_says_none_for_an_unknown_class(text):
    assert parse_class(text) is None


def test_labels_follow_the_vocabulary_in_force_at_the_date_shown(app):
    before, after = date(2022, 7, 31), date(2022, 8, 1)
    assert [str(class_label(n, before, SWITCH)) for n in (1, 2, 3, 4)] == [
        "Mức độ 1", "Mức độ 2", "Mức độ 3", "Mức độ 4"]
    assert [str(class_label(n, after, SWITCH)) for n in (1, 2, 3, 4)] == [
        "Cung cấp thông tin", "Cung cấp thông tin", "Một phần", "Toàn trình"]
    assert str(class_label(4, after, date(2023, 1, 1))) == "Mức độ 4"


def test_choices_offer_each_class_of_the_vocabulary_once(app):
    assert [n for n, _ in online_classes.choices(date(2021, 1, 1), SWITCH)] == [1, 2, 3, 4]
    assert [n for n, _ in online_classes.choices(date(2023, 1, 1), SWITCH)] == [1, 3, 4]
    assert online_classes.levels_in_class(1, date(2023, 1, 1), SWITCH) == (1, 2)
    assert online_classes.levels_in_class(2, date(2023, 1, 1), SWITCH) == (1, 2)
    assert online_classes.levels_in_class(2, date(2021, 1, 1), SWITCH) == (2,)
    assert online_classes.levels_in_class(4, date(2023, 1, 1), SWITCH) == (4,)


def test_the_switch_date_is_a_setting(app):
    assert settings.class_switch_on(db.session) == SWITCH
    app.config["CLASS_SWITCH_ON"] = "2022-09-01"
    assert settings.class_switch_on(db.session) == date(2022, 9, 1)
    settings.put(db.session, "class_switch_on", "2021-01-01")
    assert settings.class_switch_on(db.session) == date(2021, 1, 1)


# The pages and the export ----------------------------------------------------------------------

TODAY = date(2023, 3, 10)


@pytest.fixture
def catalog(app):
    """A service at level 4 since 2020, one at 3 since 2023, one at 2 with a claim to 3."""
    app.config["TODAY"] = TODAY.isoformat()
    unit = factories.unit("Sở Tư pháp")
    full = factories.service(unit, level=3, listed_on=date(2020, 1, 1), name="Lý lịch tư pháp",
                             code="LL")
    factories.level_change(full, 4, date(2020, 6, 1))
    partial = factories.service(unit, level=2, listed_on=date(2020, 1, 1), name="Chứng thực",
                                code="CT")
    factories.level_change(partial, 3, date(2023, 1, 5))
    info = factories.service(unit, level=2, listed_on=date(2020, 1, 1), name="Hộ tịch",
                             code="HT")
    factories.level_change(info, 3, date(2023, 3, 1), status=ClaimStatus.PENDING)
    factories.usage(full, date(2023, 2, 1), total=10, online=7)
    db.session.commit()
    return {"full": full, "partial": partial, "info": info}


def _logged_in(app, role):
    """A client of a user of ``role``, with the pages in English."""
    user = factories.user(role=role, locale="en")
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    return client


@pytest.fixture
def browser(app, catalog):
    return _logged_in(app, "leader")


def pages(client, catalog):
    """The catalog list, the service page with its history, the claim form and the export."""
    export = load_workbook(BytesIO(client.get("/catalog/export.xlsx").data)).active
    return {
        "list": client.get("/catalog").get_data(as_text=True),
        "detail": client.get(f"/catalog/{catalog['full'].id}").get_data(as_text=True),
        "claim": client.get(f"/catalog/{catalog['info'].id}/claim").get_data(as_text=True),
        "export": [list(row) for row in table(export)[1:]],
    }


def stored():
    """Every stored level, change and usage row, to show that nothing else moves."""
    return (db.session.execute(select(Service.id, Service.level)).all(),
            db.session.execute(select(LevelChange.id, LevelChange.to_level,
                                      LevelChange.effective_on, LevelChange.status)).all(),
            db.session.execute(select(ServiceUsage.id, ServiceUsage.dossiers_online)).all())


def figures():
    as_of = date(2023, 2, 28)
    province, _ = kpi.compute(db.session, as_of)
    return (province.as_dict(), {name: measures.compute(db.session, name, as_of)
                                 for name in measures.MEASURES})


def test_moving_the_switch_date_changes_the_labels_and_nothing_else(browser, catalog):
    before_rows, before_figures = stored(), figures()
    new = pages(browser, catalog)
    # Today (10/03/2023) is after the default switch date: the classes of Decree 42/2022.
    assert ">Full online</span>" in new["list"] and ">Partial online</span>" in new["list"]
    assert ">Information only</span>" in new["list"] and ">Level 4</span>" not in new["list"]
    assert "Partial online claimed" in new["list"]
    # The history shows each change in the vocabulary of its own date.
    assert "Level 3 → Level 4" in new["detail"]
    assert '<option selected value="3">Partial online</option>' in new["claim"]
    assert '<option value="2">' not in new["claim"]
    by_code = {row[0]: row for row in new["export"]}
    assert by_code["LL"][5] == "Full online" and by_code["HT"][6] == "Partial online"
    assert by_code["HT"][5] == "Information only"

    settings.put(db.session, "class_switch_on", "2024-01-01")
    db.session.commit()
    old = pages(browser, catalog)
    assert all(f">Level {n}</span>" in old["list"] for n in (2, 3, 4))
    assert "Full online" not in old["list"] and "Level 3 claimed" in old["list"]
    assert "Level 3 → Level 4" in old["detail"]
    assert '<option selected value="3">Level 3</option>' in old["claim"]
    assert '<option value="2">Level 2</option>' in old["claim"]
    by_code = {row[0]: row for row in old["export"]}
    assert (by_code["LL"][5], by_code["CT"][5], by_code["HT"][5], by_code["HT"][6]) == (
        "Level 4", "Level 3", "Level 2", "Level 3")
    assert [row[:5] + row[7:] for row in old["export"]] == [
        row[:5] + row[7:] for row in new["export"]]

    settings.put(db.session, "class_switch_on", "2020-03-01")
    db.session.commit()
    history = pages(browser, catalog)["detail"]
    assert "Partial online → Full online" in history and "Level 3 → Level 4" not in history

    assert stored() == before_rows
    assert figures() == before_figures


def test_the_class_filter_follows_the_vocabulary(browser):
    page = browser.get("/catalog?level=1").get_data(as_text=True)
    # "Information only" covers levels 1 and 2 since the switch date.
    assert "Hộ tịch" in page and "Chứng thực" not in page and "Lý lịch tư pháp" not in page
    assert '<option value="1" selected>Information only</option>' in page
    settings.put(db.session, "class_switch_on", "2024-01-01")
    db.session.commit()
    page = browser.get("/catalog?level=1").get_data(as_text=True)
    assert "Hộ tịch" not in page
    page = browser.get("/catalog?level=2").get_data(as_text=True)
    assert "Hộ tịch" in page and '<option value="2" selected>Level 2</option>' in page


SETTINGS = {
    "target_share": "30", "target_on": "31/12/2020", "national_share": "19.10",
    "reminder_days_before": "7, 3, 1", "reminder_on_due_day": "y",
    "reminder_overdue_every": "3", "reminder_escalate_after": "5",
    "review_weekly_cron": "30 7 * * mon", "review_monthly_cron": "30 7 1 * *",
    "report_province": "Bắc Kạn", "report_issuer": "Tổ công tác", "report_symbol": "BC-TCT",
}


def test_the_settings_page_shows_and_stores_the_switch_date(app):
    browser = _logged_in(app, "admin")
    page = browser.get("/admin/settings").get_data(as_text=True)
    assert 'name="class_switch_on"' in page and 'value="01/08/2022"' in page
    browser.post("/admin/settings", data=dict(SETTINGS, class_switch_on="15/09/2022"))
    assert settings.class_switch_on(db.session) == date(2022, 9, 15)
    response = browser.post("/admin/settings", data=dict(SETTINGS, class_switch_on="31/02/2022"))
    assert "31/02/2022 does not exist." in response.get_data(as_text=True)
    response = browser.post("/admin/settings", data=dict(SETTINGS, class_switch_on="01/01/1990"))
    assert "Give a date between" in response.get_data(as_text=True)
    assert settings.class_switch_on(db.session) == date(2022, 9, 15)
