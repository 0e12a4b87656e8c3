"""``flask reminders plan|send``."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import OutboxMessage, ReminderItem
from tests import factories
from tests.services.test_mail import closed_port, queue


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_plan_with_a_dry_run_then_for_real(app, runner):
    unit = factories.unit(focal_email="dau-moi@stp.test")
    factories.task(unit, due_on=date(2020, 11, 16))
    factories.task(unit, due_on=date(2020, 11, 17))
    db.session.commit()
    dry = runner.invoke(args=["reminders", "plan", "--today", "2020-11-16", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 reminder(s) would be made, in 1 message(s)" in dry.output
    assert count(ReminderItem) == count(OutboxMessage) == 0
    real = runner.invoke(args=["reminders", "plan", "--today", "2020-11-16"])
    assert "2 reminder(s) in 1 message(s)" in real.output
    again = runner.invoke(args=["reminders", "plan", "--today", "2020-11-16"])
    assert "0 reminder(s) in 0 message(s)" in again.output
    assert count(ReminderItem) == 2 and count(OutboxMessage) == 1


def test_plan_refuses_a_date_it_cannot_read(app, runner):
    result = runner.invoke(args=["reminders", "plan", "--today", "16/11/2020"])
    assert result.exit_code == 2 and "16/11/2020" in result.output


def test_send_writes_eml_files_without_a_server(app, runner):
    queue(2)
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output
    assert len(list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))) == 2


def test_send_says_when_the_server_cannot_be_reached(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port())
    with app.app_context():
        queue(1)
        result = app.test_cli_runner().invoke(args=["reminders", "send"])
        assert result.exit_code == 1
        assert "Stopped, the server could not be reached" in result.output
        assert "1 to retry" in result.output
        db.session.rollback()


def test_run_plans_and_sends_in_one_process(app, runner):
    unit = factories.unit(focal_email="dau-moi@stp.test")
    factories.task(unit, due_on=date(2020, 11, 16))
    db.session.commit()
    first = runner.invoke(args=["reminders", "run", "--today", "2020-11-16"])
    assert first.exit_code == 0, first.output
    assert "1 reminder(s) in 1 message(s)" in first.output
    assert "1 sent" in first.output
    eml = list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(eml) == 1 and "dau-moi@stp.test" in eml[0].read_text()
    again = runner.invoke(args=["reminders", "run", "--today", "2020-11-16"])
    assert again.exit_code == 0, again.output
    assert "0 reminder(s) in 0 message(s)" in again.output and "0 sent" in again.output
    assert len(list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))) == 1
