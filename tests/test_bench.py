"""The benchmark's data generator: deterministic, the issue's sizes, ready for the app."""

import sqlalchemy as sa

from bench import generate
from taskforce.services import kpi_cache


def test_the_province_set_is_generated_the_same_each_time(tmp_path):
    counts = []
    for name in ("first", "second"):
        url = generate.engine_url(f"sqlite:///{tmp_path / name}.db")
        generate.migrate(url)
        engine = sa.create_engine(url)
        counts.append(generate.fill(engine, "province"))
        with engine.connect() as conn:
            titles = conn.execute(sa.text("SELECT title, due_on FROM tasks ORDER BY id")).all()
            stamp = conn.execute(sa.text("SELECT value FROM settings WHERE key = :key"),
                                 {"key": kpi_cache.STAMP_KEY}).scalar()
            analysed = conn.execute(sa.text("SELECT count(*) FROM sqlite_stat1")).scalar()
        engine.dispose()
        counts[-1]["titles"] = titles
        assert stamp and analysed
    size = generate.SIZES["province"]
    assert counts[0] == counts[1]
    assert (counts[0]["units"], counts[0]["services"], counts[0]["tasks"],
            counts[0]["status_updates"], counts[0]["users"]) == \
        (size.units, size.services, size.tasks, size.updates, size.users)
