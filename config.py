"""Configuration classes; every value can be overridden from the environment."""

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_PATH = Path(os.environ.get("TASKFORCE_INSTANCE", BASE_DIR / "instance"))

load_dotenv(BASE_DIR / ".env")

DEFAULT_SECRET_KEY = "dev-only-secret-change-me"  # noqa: S105 - refused in production


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}.") from None


def database_url(default):
    url = os.environ.get("DATABASE_URL") or default
    # Heroku-style URLs and plain "postgresql://" should use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{INSTANCE_PATH / 'taskforce.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    INSTANCE_DIR = str(INSTANCE_PATH)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_PATH / "uploads"))
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_PATH / "mail"))
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    # An imported spreadsheet is refused past these, counted while it streams.
    IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
    IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
    IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "to-cong-tac@taskforce.test")
    # The display name of "From": the task force's name (as the report's issuer names it),
    # encoded when it is not ASCII; empty for none.
    MAIL_FROM_NAME = os.environ.get("MAIL_FROM_NAME", os.environ.get("REPORT_ISSUER",
                                                                     "Tổ công tác"))
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE", "")  # extra CA bundle; the system's is used too
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 30)
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)
    MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 100)
    # Reminders and digests due on a day off (the reminder policy keeping to working days) wait
    # for the next working day's morning; 0 sends them whatever the day.
    MAIL_HOLD_ON_DAYS_OFF = env_bool("MAIL_HOLD_ON_DAYS_OFF", True)
    # A message left 'sending' this long (the process died) is put back in the queue.
    MAIL_SENDING_TIMEOUT = env_int("MAIL_SENDING_TIMEOUT", 600)

    # Reminder policy defaults (the settings page overrides them), in working days.
    REMINDER_DAYS_BEFORE = os.environ.get("REMINDER_DAYS_BEFORE", "7,3,1")
    REMINDER_ON_DUE_DAY = env_bool("REMINDER_ON_DUE_DAY", True)
    REMINDER_OVERDUE_EVERY = env_int("REMINDER_OVERDUE_EVERY", 3)
    REMINDER_ESCALATE_AFTER = env_int("REMINDER_ESCALATE_AFTER", 5)
    # No reminder or digest planned on weekends and public holidays (the settings override it).
    REMINDER_WORKDAYS_ONLY = env_bool("REMINDER_WORKDAYS_ONLY", True)

    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Ho_Chi_Minh")
    SCHEDULER_ENABLED = env_bool("SCHEDULER_ENABLED", True)
    # Standard crontab (minute hour day month weekday), at TIMEZONE; settings override them.
    REVIEW_WEEKLY_CRON = os.environ.get("REVIEW_WEEKLY_CRON", "30 7 * * mon")
    REVIEW_MONTHLY_CRON = os.environ.get("REVIEW_MONTHLY_CRON", "30 7 1 * *")
    # One scheduler holds the lease; a standby takes over within LEASE + RENEW seconds.
    SCHEDULER_LEASE_SECONDS = env_int("SCHEDULER_LEASE_SECONDS", 45)
    SCHEDULER_RENEW_SECONDS = env_int("SCHEDULER_RENEW_SECONDS", 10)
    # The Word report's header; the settings override them.
    PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "Bắc Kạn")
    REPORT_PARENT_BODY = os.environ.get("REPORT_PARENT_BODY", "")  # "" = "UBND TỈNH <PROVINCE>"
    REPORT_ISSUER = os.environ.get("REPORT_ISSUER", "Tổ công tác")
    REPORT_SYMBOL = os.environ.get("REPORT_SYMBOL", "BC-TCT")
    # Where links in e-mails point. Left unset, the application works it out when it starts:
    # the host and port `flask run` serves (e.g. --port 5055), else SERVER_NAME, else
    # http://127.0.0.1:5000 (taskforce.base_url_default). Set it in production.
    BASE_URL = os.environ.get("BASE_URL", "")

    BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "vi")
    # The language the flask commands print in: the operator's, Vietnamese unless set.
    TASKFORCE_LOCALE = os.environ.get("TASKFORCE_LOCALE", "vi")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("vi", "en")

    TARGET_SHARE = float(os.environ.get("TARGET_SHARE", "0.30"))
    NATIONAL_SHARE = float(os.environ.get("NATIONAL_SHARE", "0.1910"))
    # From this date services are classed as Decree 42/2022 names them (toàn trình, một phần)
    # rather than by level 1-4; the settings page overrides it.
    CLASS_SWITCH_ON = os.environ.get("CLASS_SWITCH_ON", "2022-08-01")
    PAGE_SIZE = env_int("PAGE_SIZE", 25)

    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Redis, shared by every process that serves: the rate limits of production (below).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Requests a minute (or any Flask-Limiter limit) per API token, over all /api/v1.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    # Mount the JSON API with the application rather than at its first request under /api/v1
    # (a worker that serves only pages then never loads it; see taskforce/api/__init__.py).
    API_AT_START = env_bool("API_AT_START", False)
    RATELIMIT_HEADERS_ENABLED = False
    # How many proxies in front of the app set X-Forwarded-For (0: none, trust nothing).
    PROXY_COUNT = env_int("PROXY_COUNT", 0)
    # Roles that must use an authenticator app, e.g. "admin,leader"; empty: nobody must.
    TOTP_REQUIRED_ROLES = tuple(
        r.strip() for r in os.environ.get("TOTP_REQUIRED_ROLES", "").split(",") if r.strip()
    )
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "To cong tac DVC muc do 4")


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    # The command tests read English; tests/cli/test_cli_language.py runs them in Vietnamese.
    TASKFORCE_LOCALE = os.environ.get("TASKFORCE_LOCALE", "en")
    SQLALCHEMY_DATABASE_URI = database_url("sqlite://")
    SCHEDULER_ENABLED = False
    WTF_CSRF_ENABLED = False
    # The tests deliver at the wall clock, whatever the weekday; the hold on days off is tested
    # with it turned on (tests/test_workday_delivery.py).
    MAIL_HOLD_ON_DAYS_OFF = False
    # The tests read the whole route table, the API's addresses among them.
    API_AT_START = True


class ProductionConfig(Config):
    IS_PRODUCTION = True
    # Several workers count one limit only in a shared store: REDIS_URL unless given apart.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or Config.REDIS_URL \
        or "memory://"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    return CONFIGS.get(os.environ.get("TASKFORCE_ENV", "development"), DevelopmentConfig)
