"""The web interface, one blueprint per feature."""

from taskforce.web.admin import bp as admin_bp
from taskforce.web.auth import bp as auth_bp
from taskforce.web.catalog import bp as catalog_bp
from taskforce.web.dashboard import bp as dashboard_bp
from taskforce.web.mail import bp as mail_bp
from taskforce.web.notifications import bp as notifications_bp
from taskforce.web.outbox import bp as outbox_bp
from taskforce.web.plans import bp as plans_bp
from taskforce.web.reviews import bp as reviews_bp
from taskforce.web.roster import bp as roster_bp
from taskforce.web.scorecard import bp as scorecard_bp
from taskforce.web.settings import bp as settings_bp
from taskforce.web.tasks import bp as tasks_bp
from taskforce.web.tokens import bp as tokens_bp
from taskforce.web.units import bp as units_bp
from taskforce.web.webhooks import bp as webhooks_bp

BLUEPRINTS = [
    auth_bp,
    dashboard_bp,
    catalog_bp,
    tasks_bp,
    notifications_bp,
    roster_bp,
    units_bp,
    reviews_bp,
    scorecard_bp,
    plans_bp,
    admin_bp,
    outbox_bp,
    settings_bp,
    tokens_bp,
    mail_bp,
    webhooks_bp,
]
