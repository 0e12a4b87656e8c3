import pytest

import config
from config import DEFAULT_SECRET_KEY, ProductionConfig, TestingConfig
from taskforce import create_app


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=DEFAULT_SECRET_KEY)


def test_production_starts_with_a_real_secret_key(tmp_path):
    app = create_app(ProductionConfig, SECRET_KEY="a-long-random-secret",
                     SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_time_zone_is_refused_at_start():
    with pytest.raises(RuntimeError, match="Mars/Olympus"):
        create_app(TestingConfig, TIMEZONE="Mars/Olympus")


def test_database_url_uses_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/tf")
    assert config.database_url("sqlite://") == "postgresql+psycopg://u:p@db.internal/tf"
    monkeypatch.delenv("DATABASE_URL")
    assert config.database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_env_helpers_read_booleans_and_numbers(monkeypatch):
    monkeypatch.setenv("MAIL_USE_TLS", "yes")
    monkeypatch.setenv("MAIL_PORT", "587")
    assert config.env_bool("MAIL_USE_TLS") is True
    assert config.env_int("MAIL_PORT", 25) == 587
    monkeypatch.setenv("MAIL_USE_TLS", "0")
    assert config.env_bool("MAIL_USE_TLS", True) is False
