"""The scorecard pages: the period's table, the import with its preview, the weakest group's
task, the unit page's history and the review's section."""

import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Review, ScoreRow, ScoreTable, Task, Unit
from taskforce.services import reorganisations, reviews, scorecard
from tests import factories
from tests.services.test_scorecard import record, workbook

NOW = datetime(2025, 11, 5, 3, 0, tzinfo=UTC)


def load(period, items):
    scorecard.import_scorecard(db.session, json.dumps(items, ensure_ascii=False).encode(),
                               f"{period}.json", scorecard.parse_period(period),
                               create_units=False, actor=None, now=NOW)
    db.session.commit()


@pytest.fixture
def world(app):
    units = {code: factories.unit(name, code=code) for code, name in (
        ("H55.01", "Sở Tư pháp"), ("H55.02", "Sở Y tế"), ("H55.03", "Sở Nội vụ"))}
    db.session.commit()
    load("2025-09", [record("Tỉnh Thái Nguyên", "H55", (17, 18, 11, 9, 20, 17), kind="1",
                            rank=14),
                     record("Sở Tư pháp", "H55.01", (15, 18, 10, 8, 17, 16), rank=500),
                     record("Sở Y tế", "H55.02", (12, 14, 9, 6, 15, 13), rank=900, ident=2)])
    load("2025-10", [record("Tỉnh Thái Nguyên", "H55", (17.5, 18, 11, 9, 20, 17.8), kind="1",
                            rank=12),
                     record("Sở Tư pháp", "H55.01", (16, 19.5, 10, 8, 18, 17), rank=300),
                     record("Sở Y tế", "H55.02", (12, 14, 9, 6, 15, 13), rank=950, ident=2),
                     record("Sở Nội vụ", "H55.03", (18, 20, 12, 10, 22, 10), rank=20,
                            ident=3)])
    return units


def rows_of(html, table_id):
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in ("<tr" + part for part in body.split("<tr")[2:])]


def test_the_page_shows_the_province_the_thresholds_and_the_movement(client, login_as, world):
    login_as("viewer", locale="en")
    html = client.get("/scorecard?period=2025-10").get_data(as_text=True)
    province = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split(
        'id="province-score"', 1)[1].split("</section>", 1)[0]))
    assert "93.30" in province and "national rank 12" in province
    assert "▲ +1.30" in province and "2 places up" in province
    lines = rows_of(html, "scorecard-units")
    assert [line.split(" ")[0] for line in lines] == ["1", "2", "3"]
    assert "Sở Nội vụ" in lines[0] and "new" in lines[0]  # no score in September
    assert "Sở Tư pháp Under 90 88.50 ▲ +4.50" in lines[1]
    assert "Sở Y tế Under 80 69.00 = 0" in lines[2] and "50 places down" in lines[2]
    assert "−8.00" in lines[0]  # MDHL 10 of 18
    assert "Movement since Month 9/2025" in html
    assert "Make a task" not in html  # a viewer makes no tasks


def test_the_period_picker_and_an_unknown_period(client, login_as, world):
    login_as("viewer", locale="en")
    html = client.get("/scorecard").get_data(as_text=True)
    assert 'value="2025-10" selected' in html and 'value="2025-09"' in html
    assert client.get("/scorecard?period=2024-Q9").status_code == 404
    html = client.get("/scorecard?period=2025-09").get_data(as_text=True)
    assert "No earlier table of this kind" in html


def test_the_page_costs_the_same_queries_however_many_units(client, login_as, world,
                                                           count_queries):
    login_as("viewer", locale="en")

    def cost():
        db.session.expire_all()
        with count_queries() as queries:
            response = client.get("/scorecard?period=2025-10")
        assert response.status_code == 200
        return queries.count

    cost()
    small = cost()
    # 9 when written: the log-in, the tables, the rows and their units, the previous rows, the
    # settings.
    assert small <= 12
    items = [record(f"Xã {n}", f"H55.{400 + n}", (15, 17, 11, 9, 19, 16), kind="3", ident=n)
             for n in range(40)]
    for item in items:
        factories.unit(item["TEN_COQUAN"], code=item["MA_COQUAN"])
    db.session.commit()
    load("2025-10", items)
    assert cost() == small


def upload(client, data, filename, period="2025-10", create_units=False):
    form = {"period": period, "file": (io.BytesIO(data), filename)}
    if create_units:
        form["create_units"] = "y"
    return client.post("/scorecard/import", data=form, content_type="multipart/form-data")


def hidden(html, name):
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    return match.group(1) if match else ""


def test_upload_preview_and_confirm_replacing_a_period(client, login_as, world):
    login_as("leader", locale="en")
    data = workbook([("Sở ngành", [record("Sở Tư pháp - tỉnh Thái Nguyên", "",
                                          (18, 20, 12, 10, 22, 18), as_text=True)])])
    preview = upload(client, data, "t10.xlsx")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "will be replaced" in html
    assert db.session.scalar(select(func.count()).select_from(ScoreRow)) == 7
    done = client.post("/scorecard/import/confirm", data={
        name: hidden(html, name) for name in ("token", "filename", "period", "create_units")})
    assert done.status_code == 302 and "period=2025-10" in done.headers["Location"]
    db.session.rollback()
    october = scorecard.find_table(db.session, scorecard.parse_period("2025-10"))
    assert [(r.unit.code, r.total) for r in october.rows] == [("H55.01", 100)]


def test_a_bad_file_is_shown_by_sheet_and_row_and_writes_nothing(client, login_as, world):
    login_as("admin", locale="en")
    data = workbook([("Xã", [record("Xã Lạ", "H55.999", (15, 17, 11, 9, 19, 16), kind="3"),
                             record("Sở Y tế", "H55.02", (1, 1, 1, 1, 1, 1), total=7,
                                    ident=2)])])
    html = upload(client, data, "t11.xlsx", period="2025-11").get_data(as_text=True)
    assert html.count("Xã") >= 2 and 'id="scorecard-errors"' in html
    errors = rows_of(html, "scorecard-errors")
    assert len(errors) == 2 and "3" in errors[0] and "4" in errors[1]
    assert 'name="token"' not in html
    assert db.session.scalar(select(func.count()).select_from(ScoreTable)) == 2
    html = upload(client, b"not a table", "t.json").get_data(as_text=True)
    assert "is-invalid" in html or "invalid-feedback" in html
    html = upload(client, data, "t.xlsx", period="tháng 10").get_data(as_text=True)
    assert "2025-Q3" in html  # the period's message


def test_the_weakest_group_becomes_a_task_in_two_clicks(client, login_as, world):
    login_as("leader", locale="en")
    october = scorecard.find_table(db.session, scorecard.parse_period("2025-10"))
    html = client.get("/scorecard?period=2025-10").get_data(as_text=True)
    link = f"/scorecard/{october.id}/units/{world['H55.03'].id}/task"
    assert link in html
    page = client.get(link).get_data(as_text=True)
    assert "Satisfaction (MDHL): 8 points short in 2025-10" in page
    response = client.post(link)
    assert response.status_code == 302
    task = db.session.scalar(select(Task))
    assert task.unit_id == world["H55.03"].id and "(MDHL)" in task.title
    assert "/tasks/" in response.headers["Location"]
    unknown = factories.unit("Sở Không Điểm", code="H55.77")
    db.session.commit()
    assert client.get(f"/scorecard/{october.id}/units/{unknown.id}/task").status_code == 404


def test_the_unit_page_shows_its_scores_over_time(client, login_as, world):
    login_as("viewer", locale="en")
    html = client.get(f"/units/{world['H55.01'].id}").get_data(as_text=True)
    lines = rows_of(html, "unit-score-history")
    assert len(lines) == 2 and "84.00" in lines[0] and "88.50" in lines[1]


def test_a_review_keeps_its_scorecard_section_when_the_scores_change(client, login_as, world):
    review = reviews.build_review(db.session, kind="monthly", start=date(2025, 10, 1),
                                  end=date(2025, 10, 31), now=NOW)
    db.session.commit()
    section = review.snapshot["scorecard"]
    assert section["period"] == "2025-10" and section["province"]["national_rank"] == 12
    assert [(u["code"], u["under"]) for u in section["under"]] == [("H55.01", 90), ("H55.02", 80)]
    load("2025-10", [record("Sở Tư pháp", "H55.01", (18, 20, 12, 10, 22, 18))])
    login_as("viewer", locale="en")
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'id="review-scorecard"' in html
    lines = rows_of(html, "review-scorecard-units")
    assert "Sở Tư pháp 88.50 Under 90" in lines[0] and "Sở Y tế 69.00 Under 80" in lines[1]
    db.session.expire_all()
    assert db.session.get(Review, review.id).snapshot["scorecard"] == section


def test_the_thresholds_and_maxima_are_settings_checked_before_saving(client, login_as, world):
    login_as("admin", locale="en")
    form = {"low": "70", "high": "85", "ckmb": "18", "tdgq": "20", "clgq": "12", "tttt": "10",
            "mdsh": "22", "mdhl": "18"}
    bad = client.post("/scorecard/settings", data=form | {"mdhl": "20"}).get_data(as_text=True)
    assert "must add up to 100 (they add up to 102" in bad
    bad = client.post("/scorecard/settings", data=form | {"low": "95"}).get_data(as_text=True)
    assert "must be below the second" in bad
    bad = client.post("/scorecard/settings", data=form | {"high": "120"}).get_data(as_text=True)
    assert "from 0 to 100" in bad
    db.session.rollback()
    assert scorecard.thresholds(db.session) == (80, 90)
    assert client.post("/scorecard/settings", data=form).status_code == 302
    db.session.rollback()
    assert scorecard.thresholds(db.session) == (70, 85)
    html = client.get("/scorecard?period=2025-10").get_data(as_text=True)
    lines = rows_of(html, "scorecard-units")
    assert "Under 70" in lines[2] and "Sở Y tế" in lines[2]
    assert "Under" not in lines[1]  # 88.50 is above 85 now


def test_the_unit_page_carries_the_scores_of_the_units_merged_into_it(client, login_as, world):
    admin = factories.user(role="admin")
    load("2025-06", [record("Sở Tư pháp", "H55.01", (15, 18, 10, 8, 17, 16)),
                     record("Sở Y tế", "H55.02", (12, 14, 9, 6, 15, 13), ident=2)])
    reorganisations.record(db.session, [reorganisations.ReorganisationDraft(
        effective_on=date(2025, 7, 1), change="merge", from_codes=("H55.01", "H55.02"),
        successors=(reorganisations.Successor("H55.900", "Sở Tư pháp và Y tế"),))],
        actor=admin, today=date(2025, 7, 1), now=NOW)
    db.session.commit()
    load("2025-11", [record("Sở Tư pháp và Y tế", "H55.900", (18, 20, 12, 10, 22, 18))])
    merged = db.session.scalar(select(Unit).where(Unit.code == "H55.900"))
    login_as("viewer", locale="en")
    lines = rows_of(client.get(f"/units/{merged.id}").get_data(as_text=True),
                    "unit-score-history")
    assert len(lines) == 7  # June, September, October for the two, November for the new one
    assert "Month 6/2025 (as Sở Tư pháp)" in lines[0] and "Month 6/2025 (as Sở Y tế)" in lines[1]
    assert lines[-1].startswith("Month 11/2025 18.00") and "100.00" in lines[-1]
