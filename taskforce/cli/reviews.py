"""``flask reviews build``: make a review (sơ kết) of a period from the command line."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.models import ReviewKind
from taskforce.services import clock, review_mail, reviews
from taskforce.services.errors import DomainError

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("reviews")
def reviews_group():
    """Reviews (sơ kết): snapshots of the figures for a period."""


def _period(kind, start, end, today):
    if (start is None) != (end is None):
        raise click.UsageError(_("Give both --from and --to, or neither."))
    if start is not None:
        return start.date(), end.date()
    if kind == ReviewKind.CUSTOM:
        raise click.UsageError(_("A custom review needs --from and --to."))
    return reviews.review_period(kind, today)


@reviews_group.command("build")
@click.option("--kind", type=click.Choice([k.value for k in ReviewKind]), default="weekly",
              show_default=True, help="Weekly (Monday–Sunday), monthly or a custom period.")
@click.option("--from", "start", type=DATE, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, help="Last day of the period (YYYY-MM-DD).")
@click.option("--today", type=DATE, help="The day it is made (sets the default period). "
              "Default: today.")
@click.option("--number", help="The report's number, e.g. 12 (for Số: 12/BC-TCT).")
@click.option("--send", is_flag=True, help="E-mail it to the leadership and the members.")
@with_appcontext
def build(kind, start, end, today, number, send):
    """Build the review of a period, or show the one already made; it never changes after."""
    today = today.date() if today else clock.today()
    start, end = _period(kind, start, end, today)
    existed = reviews.find_review(db.session, kind, start, end) is not None
    now = clock.now()
    try:
        review = reviews.build_review(db.session, kind=kind, start=start, end=end, now=now,
                                      today=today, number=number)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    queued = review_mail.send_review(db.session, review, now=now) if send else 0
    db.session.commit()
    figures = review.snapshot["province"]
    words = (_("Review #%(id)s already made: %(kind)s %(start)s–%(end)s; %(done)s of %(all)s "
               "services at level 4 verified (%(share)s).") if existed else
             _("Review #%(id)s built: %(kind)s %(start)s–%(end)s; %(done)s of %(all)s services "
               "at level 4 verified (%(share)s)."))
    click.echo(words % {"id": review.id, "kind": kind, "start": f"{start:%d/%m/%Y}",
                        "end": f"{end:%d/%m/%Y}", "done": figures["level4_verified"],
                        "all": figures["services"], "share": f"{figures['share_verified']:.2%}"})
    if send:
        click.echo(_("%(count)s e-mails queued in the outbox.", count=queued))
