"""The words and badge of each forecast status, so that no template compares a status."""

from flask_babel import lazy_gettext as _l

from taskforce.services import forecast

STATUS_BADGES = {
    forecast.MET: (_l("met"), "text-bg-success"),
    forecast.ON_TRACK: (_l("on track"), "text-bg-primary"),
    forecast.AT_RISK: (_l("at risk"), "text-bg-warning"),
    forecast.OFF_TRACK: (_l("off track"), "text-bg-danger"),
    forecast.NO_FORECAST: (_l("cannot forecast yet"), "text-bg-secondary"),
    forecast.NO_DATA: (_l("no data"), "text-bg-light"),
}
