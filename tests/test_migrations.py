"""The migrations alone build the schema, and it matches the models."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from taskforce import create_app
from taskforce.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = sa.engine.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def not_postgresql_only(obj, name, type_, _reflected, _compare_to):
    # The catalog search's trigram indexes exist on PostgreSQL alone (migration 0007).
    return not (type_ == "index" and name.endswith("_trgm"))


def test_catalog_search_uses_the_trigram_indexes_on_postgresql(empty_database_url, tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     INSTANCE_DIR=str(tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            names = {index["name"] for index in sa.inspect(conn).get_indexes("services")}
            if conn.dialect.name == "postgresql":
                assert {"ix_services_name_key_trgm", "ix_services_code_trgm"} <= names
                conn.execute(sa.text("SET enable_seqscan = off"))
                plan = "\n".join(conn.execute(sa.text(
                    "EXPLAIN SELECT id FROM services WHERE name_key LIKE '%giay phep%' "
                    "OR lower(code) LIKE '%giay phep%'")).scalars())
                assert "ix_services_name_key_trgm" in plan and "ix_services_code_trgm" in plan
            else:
                assert not any(name.endswith("_trgm") for name in names)
        downgrade(revision="base")
        db.engine.dispose()


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(empty_database_url,
                                                                    tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     INSTANCE_DIR=str(tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={
                "compare_type": True, "include_object": not_postgresql_only}), db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        assert diff == []
        assert {"users", "units", "services", "level_changes", "tasks", "outbox",
                "reviews", "audit_events", "settings", "scheduler_lease"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_existing_units_get_their_own_feed_token(empty_database_url, tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     INSTANCE_DIR=str(tmp_path))
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            for code in ("SO-A", "SO-B"):
                conn.execute(sa.text(
                    "INSERT INTO units (code, name, name_key, kind, notify_emails, "
                    "display_order, active) VALUES (:code, :code, :code, 'department', '', 0, "
                    "true)"), {"code": code})
            conn.execute(sa.text(
                "INSERT INTO users (email, full_name, password_hash, role, is_verifier, active, "
                "session_token, calendar_token, failed_logins, created_at) VALUES ('a@x.test', "
                "'A', 'x', 'viewer', false, true, 's', 'c', 0, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            tokens = conn.execute(sa.text("SELECT feed_token FROM units")).scalars().all()
            user = conn.execute(sa.text(
                "SELECT failed_codes, totp_last_step FROM users")).one()
        assert len(tokens) == 2 and len(set(tokens)) == 2
        assert all(token and len(token) >= 32 for token in tokens)
        assert tuple(user) == (0, None)
        downgrade(revision="0008")
        db.engine.dispose()


def test_every_service_gets_its_first_unit_span_from_the_start_of_its_history(
        empty_database_url, tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     INSTANCE_DIR=str(tmp_path))
    with app.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO units (id, code, name, name_key, kind, notify_emails, "
                "display_order, active, feed_token) VALUES (1, 'H', 'H', 'h', 'district', '', 0, "
                "true, 't')"))
            for service_id in (1, 2):
                conn.execute(sa.text(
                    "INSERT INTO services (id, code, name, name_key, unit_id, tier, has_fee, "
                    "level, has_online_payment, is_connected_evaluation, has_online_result, "
                    "active, created_at) VALUES (:id, :code, 'T', 't', 1, 'district', false, "
                    "3, false, false, false, true, '2021-03-04 05:06:07')"),
                    {"id": service_id, "code": f"1.00{service_id}"})
            conn.execute(sa.text(
                "INSERT INTO level_changes (service_id, from_level, to_level, effective_on, "
                "status, source, claimed_at) VALUES (1, NULL, 3, '2020-05-06', 'verified', "
                "'initial', '2020-05-06 00:00:00')"))
        upgrade(revision="0020")
        with db.engine.begin() as conn:
            # A merger gives a unit two services of one code: no longer refused.
            conn.execute(sa.text(
                "INSERT INTO services (id, code, name, name_key, unit_id, tier, has_fee, level, "
                "has_online_payment, is_connected_evaluation, has_online_result, active, "
                "created_at) VALUES (3, '1.001', 'T', 't', 1, 'district', false, 3, false, "
                "false, false, true, '2021-03-04 05:06:07')"))
            conn.execute(sa.text("DELETE FROM services WHERE id = 3"))
        with db.engine.connect() as conn:
            spans = conn.execute(sa.text(
                "SELECT service_id, unit_id, started_on, reorganisation_id FROM service_units "
                "ORDER BY service_id")).all()
        assert [(s, u, str(d)[:10], r) for s, u, d, r in spans] == [
            (1, 1, "2020-05-06", None), (2, 1, "2021-03-04", None)]
        downgrade(revision="0019")
        db.engine.dispose()


def test_the_effectiveness_denominator_is_filled_in_the_stored_months(empty_database_url,
                                                                      tmp_path):
    """Migration 0022 fills month_figures.level4_reported as the figures query counts it."""
    from datetime import date

    from taskforce.services import kpi_cache, kpi_queries

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     INSTANCE_DIR=str(tmp_path))
    month = date(2021, 3, 31)
    with app.app_context():
        upgrade(revision="0021")
        with db.engine.begin() as conn:
            for unit_id in (1, 2, 3):
                conn.execute(sa.text(
                    "INSERT INTO units (id, code, name, name_key, kind, notify_emails, "
                    "display_order, active, feed_token) VALUES (:id, :code, 'H', 'h', "
                    "'district', '', 0, true, :token)"),
                    {"id": unit_id, "code": f"H{unit_id}", "token": f"t{unit_id}"})
                conn.execute(sa.text(
                    "INSERT INTO services (id, code, name, name_key, unit_id, tier, has_fee, "
                    "level, has_online_payment, is_connected_evaluation, has_online_result, "
                    "active, created_at) VALUES (:id, '1.001', 'T', 't', :id, 'district', "
                    "false, 4, true, true, true, true, '2020-01-01 00:00:00')"),
                    {"id": unit_id})
                conn.execute(sa.text(
                    "INSERT INTO level_changes (service_id, from_level, to_level, effective_on, "
                    "status, source, claimed_at) VALUES (:id, NULL, 4, '2020-01-01', "
                    "'verified', 'initial', '2020-01-01 00:00:00')"), {"id": unit_id})
            # Unit 1 received online dossiers in the window, unit 2 dossiers on paper only
            # (it has data, none effective), unit 3 nothing in the window (only before it).
            for service_id, month_first, online in ((1, "2021-02-01", 3), (2, "2021-01-01", 0),
                                                    (3, "2020-12-01", 5)):
                conn.execute(sa.text(
                    "INSERT INTO service_usage (service_id, month, dossiers_total, "
                    "dossiers_online, dossiers_paid_online) VALUES (:s, :m, 10, :o, 0)"),
                    {"s": service_id, "m": month_first, "o": online})
            conn.execute(sa.text("INSERT INTO settings (key, value, updated_at) VALUES "
                                 "('kpi.data_stamp', '\"s1\"', '2021-04-01 00:00:00')"))
            for unit_id, effective in ((1, 1), (2, 0), (3, 0)):
                conn.execute(sa.text(
                    "INSERT INTO month_figures (month_end, unit_id, services, level3, level4, "
                    "level4_verified, effective4) VALUES (:m, :u, 1, 0, 1, 1, :e)"),
                    {"m": month, "u": unit_id, "e": effective})
        upgrade(revision="0022")
        with db.engine.connect() as conn:
            stored = dict(conn.execute(sa.text(
                "SELECT unit_id, level4_reported FROM month_figures ORDER BY unit_id")).all())
            counted = {row.unit_id: row.level4_reported for row in conn.execute(
                kpi_queries.figures_query(month, reported=True))}
        assert stored == counted == {1: 1, 2: 1, 3: 0}
        with app.test_request_context():
            # The figures were kept under the catalog's stamp: the usage's sums are kept too.
            assert kpi_cache.stamp(db.session, kpi_cache.USAGE_STAMP_KEY)
            db.session.remove()
        downgrade(revision="0021")
        db.engine.dispose()
