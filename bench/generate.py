"""Fill a database with the deterministic benchmark data set of one size.

    .venv/bin/python -m bench.generate --size province \\
        --database-url sqlite:////tmp/taskforce-bench-province.db --fresh

The schema is made by the migrations (``flask db upgrade``); the rows are then written by
bulk inserts: SQLAlchemy Core ``insert()`` executemany in chunks, and on PostgreSQL ``COPY``
for the large tables. The same seed and ``--today`` always give the same rows.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parent.parent
SEED = 2020
TODAY = date(2026, 11, 16)
PASSWORD = "bench-password-1"  # noqa: S105 - the published password of the bench accounts
DOMAIN = "bench.test"
CHUNK = 5_000
RESERVED_DATABASES = frozenset({"postgres", "test", "template0", "template1"})
LEADERSHIP = ("leader", "permanent_deputy", "deputy", "deputy")
BENCH_PLAN = "BENCH-5"  # the plan of five indicators bench.run makes the default for its rows


@dataclass(frozen=True)
class Size:
    """How many rows of each kind a data set has (the issue's two sizes)."""

    units: int
    services: int
    tasks: int
    updates: int
    users: int
    members: int


SIZES = {
    "province": Size(units=30, services=2_000, tasks=3_000, updates=30_000, users=80,
                     members=12),
    "national": Size(units=2_000, services=130_000, tasks=200_000, updates=2_000_000,
                     users=5_000, members=120),
    # The size of the side-by-side comparison with another tracker: 20 units, 12 users and an
    # administrator, due dates within 45 days of today, statuses spread over the workflow.
    "peer": Size(units=20, services=2_000, tasks=20_000, updates=40_000, users=13,
                 members=12),
}
# The final statuses of the peer set, with their weights.
PEER_STATUSES = (("new", 0.15), ("in_progress", 0.30), ("reported", 0.10), ("returned", 0.05),
                 ("done", 0.30), ("cancelled", 0.10))

PROVINCES = (
    "Bắc Kạn", "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lạng Sơn",
    "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
)
DISTRICTS = (
    "Ba Bể", "Bạch Thông", "Chợ Đồn", "Chợ Mới", "Na Rì", "Ngân Sơn", "Pác Nặm", "Yên Lạc",
    "Tân Yên", "Lục Ngạn", "Sơn Động", "Tam Đảo", "Hòa An", "Bảo Lạc", "Mường Tè", "Sìn Hồ",
    "Than Uyên", "Bắc Hà", "Văn Bàn", "Si Ma Cai", "Quế Phong", "Kỳ Sơn", "Tương Dương",
    "Con Cuông", "Châu Thành", "Tam Nông", "Krông Pắc", "Cư M'gar", "Đông Hưng", "Thọ Xuân",
)
# Province-size sets have 10 districts; national ones 12 per province (32 units each).
DISTRICTS_PER_PROVINCE = {"province": 10, "national": 12, "peer": 10}
QUALIFIERS = ("", " (cấp lại)", " (điều chỉnh)", " (gia hạn)", " (lần đầu)", " (bổ sung)")
GENERAL_TITLES = (
    "Xây dựng kế hoạch nâng cấp dịch vụ công trực tuyến năm {year}",
    "Rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính",
    "Báo cáo kết quả cung cấp dịch vụ công trực tuyến quý {quarter}/{year}",
    "Tổ chức tập huấn sử dụng Hệ thống một cửa điện tử",
    "Tuyên truyền người dân nộp hồ sơ trực tuyến",
    "Tổng hợp số liệu hồ sơ trực tuyến tháng {month}/{year}",
    "Chuẩn bị nội dung hội nghị sơ kết công tác cải cách hành chính",
)
UPGRADE_TITLE = "Nâng cấp {count} dịch vụ công trực tuyến lên mức độ 4"
NOTES = (
    "Đã giao phòng chuyên môn rà soát quy trình, biểu mẫu điện tử của các thủ tục.",
    "Đã làm việc với doanh nghiệp viễn thông về tích hợp thanh toán trực tuyến.",
    "Đã cử cán bộ đầu mối; đang cấu hình lại quy trình trên Hệ thống một cửa điện tử.",
    "Đã kết nối Hệ thống đánh giá việc sử dụng DVCTT; đang thử thanh toán trực tuyến.",
    "Đã thử nộp hồ sơ và thanh toán trực tuyến; còn vướng trả kết quả qua bưu chính.",
    "Đã hoàn thành khoảng một nửa khối lượng công việc.",
    "Đã làm việc với các đơn vị; đang tổng hợp kết quả.",
)
DECISION_NOTES = {
    "reported": "Đã hoàn thành; gửi báo cáo kết quả để Tổ trưởng xem xét.",
    "done": "Thống nhất kết quả, kết thúc nhiệm vụ.",
    "returned": "Đề nghị bổ sung số liệu của các huyện trước khi trình.",
    "cancelled": "Không còn cần thiết sau khi Kế hoạch được điều chỉnh.",
}
RETURN_REASON = ("Chưa trả kết quả trực tuyến: hồ sơ thử nghiệm vẫn nhận kết quả tại Bộ phận "
                 "Một cửa.")
EXTENSION_REASON = "Chờ hoàn thành tích hợp thanh toán trực tuyến trên Hệ thống một cửa điện tử."
PRIORITIES = (("normal", 0.6), ("high", 0.25), ("urgent", 0.05), ("low", 0.1))


# Loading --------------------------------------------------------------------------------------

class Loader:
    """Writes rows into one table at a time: Core executemany, or COPY on PostgreSQL."""

    def __init__(self, engine, tables):
        self.engine = engine
        self.tables = tables
        self.is_postgresql = engine.dialect.name == "postgresql"
        self.counts = {}

    def load(self, name, columns, rows, copy=False):
        """Write ``rows`` (tuples in ``columns`` order); COPY on PostgreSQL when ``copy``."""
        started = time.perf_counter()
        with self.engine.begin() as conn:
            if copy and self.is_postgresql:
                count = self._copy(conn, name, columns, rows)
            else:
                count = self._insert(conn, self.tables[name], columns, rows)
        self.counts[name] = self.counts.get(name, 0) + count
        print(f"  {name:<20} {count:>10,} rows  {time.perf_counter() - started:7.1f} s",
              flush=True)

    @staticmethod
    def _insert(conn, table, columns, rows):
        statement, count, chunk = sa.insert(table), 0, []
        for row in rows:
            chunk.append(dict(zip(columns, row, strict=True)))
            if len(chunk) == CHUNK:
                conn.execute(statement, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            conn.execute(statement, chunk)
            count += len(chunk)
        return count

    @staticmethod
    def _copy(conn, name, columns, rows):
        count = 0
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def finish(self):
        """Move PostgreSQL's id sequences past the ids written, and refresh the statistics."""
        if self.is_postgresql:
            with self.engine.begin() as conn:
                present = set(sa.inspect(conn).get_table_names())
                for name, table in self.tables.items():
                    # Only the tables the migrations made (a model may be ahead of them).
                    if name in present and "id" in table.c and table.c.id.primary_key:
                        highest = conn.scalar(sa.select(sa.func.max(table.c.id))) or 0
                        conn.execute(sa.select(sa.func.setval(
                            sa.func.pg_get_serial_sequence(name, "id"), highest + 1, False)))
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        else:
            with self.engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))


# The data set ---------------------------------------------------------------------------------

@dataclass
class UnitInfo:
    id: int
    code: str
    kind: str
    weight: int
    officer_id: int | None = None
    followers: list = field(default_factory=list)
    services: list = field(default_factory=list)  # (service id, level)


@dataclass
class TaskInfo:
    """What the status updates of a task are written from."""

    id: int
    unit: UnitInfo
    status: str
    created_at: datetime
    ended_at: datetime
    follower_user: int | None


class DataSet:
    """Generates the rows of every table from one seeded random generator."""

    def __init__(self, size_name, *, seed=SEED, today=TODAY):
        self.size_name = size_name
        self.size = SIZES[size_name]
        self.rng = random.Random(seed)
        self.today = today
        self.now = datetime.combine(today, clock_time(2, 0), UTC)
        self.units = []
        self.leader_users = []
        self.member_users = {}
        self.tasks = []

    # helpers

    def at(self, day):
        """A moment during office hours (Viet Nam time) on ``day``, in UTC."""
        return datetime.combine(day, clock_time(self.rng.randint(1, 9), self.rng.randint(0, 59)),
                                UTC)

    def days_ago(self, low, high):
        return self.today - timedelta(days=self.rng.randint(low, high))

    def person(self):
        from taskforce.demo.people import FEMALE_NAMES, MALE_NAMES, SURNAMES

        middles, givens = self.rng.choice((MALE_NAMES, FEMALE_NAMES))
        return " ".join((self.rng.choice(SURNAMES), self.rng.choice(middles),
                         self.rng.choice(givens)))

    def token(self):
        return f"{self.rng.getrandbits(128):032x}"

    # units, users, members

    def unit_rows(self):
        from taskforce.demo.people import UNITS
        from taskforce.models import UnitKind
        from taskforce.services.text import fold

        departments = [row for row in UNITS if row[2] == UnitKind.DEPARTMENT]
        districts = DISTRICTS_PER_PROVINCE[self.size_name]
        national = self.size_name == "national"
        for number, province in enumerate(PROVINCES, start=1):
            suffix = f" – {province}" if national else ""
            rows = [(code, name + suffix, kind, count) for code, name, kind, count, _ in
                    departments]
            rows.append(("TP", f"UBND thành phố {province}", UnitKind.CITY, 15))
            rows += [(f"H{n:02d}", f"UBND huyện {stem}{suffix}", UnitKind.DISTRICT, 12)
                     for n, stem in enumerate(self.rng.sample(DISTRICTS, districts), start=1)]
            for code, name, kind, weight in rows:
                if len(self.units) == self.size.units:
                    return
                ident = len(self.units) + 1
                code = f"P{number:02d}-{code}"
                slug = code.lower()
                self.units.append(UnitInfo(ident, code, kind, weight))
                # The feed token is not drawn from the random stream: the rest stays as measured.
                yield (ident, code, name, fold(name), kind, None, self.person(),
                       "Chánh Văn phòng", f"officer.{slug}@{DOMAIN}", None,
                       f"vanthu.{slug}@{DOMAIN}", ident, True, f"feed-{slug}")

    def user_rows(self):
        """An administrator, the members' accounts, one officer per unit, then viewers."""
        from taskforce.services.accounts import hash_password

        password_hash = hash_password(PASSWORD)
        rows = [("admin", f"admin@{DOMAIN}", "Quản trị hệ thống", None, False)]
        for n in range(1, self.size.members + 1):
            leading = n <= len(LEADERSHIP)
            email = f"leader{n}@{DOMAIN}" if leading else f"member{n}@{DOMAIN}"
            rows.append(("leader" if leading else "member", email, self.person(), None,
                         not leading and n % 3 == 0))
        for unit in self.units[:self.size.users - len(rows)]:
            rows.append(("unit_officer", f"officer.{unit.code.lower()}@{DOMAIN}", self.person(),
                         unit, False))
        rows += [("viewer", f"viewer{n}@{DOMAIN}", self.person(), None, False)
                 for n in range(1, self.size.users - len(rows) + 1)]
        created_at = self.at(self.today - timedelta(days=900))
        for ident, (role, email, name, unit, verifier) in enumerate(rows, start=1):
            if role == "leader":
                self.leader_users.append(ident)
            if unit is not None:
                unit.officer_id = ident
            yield (ident, email, name, password_hash, role, getattr(unit, "id", None), verifier,
                   True, None, self.token(), self.token(), 0, 0, None, None, None, created_at)

    def member_rows(self):
        for n in range(1, self.size.members + 1):
            user_id = n + 1  # the members' accounts follow the administrator's
            position = LEADERSHIP[n - 1] if n <= len(LEADERSHIP) else "member"
            email = f"leader{n}@{DOMAIN}" if n <= len(LEADERSHIP) else f"member{n}@{DOMAIN}"
            self.member_users[n] = user_id
            yield (n, self.person(), position, False, "Đại diện lãnh đạo", "Sở Nội vụ", email,
                   None, n, True, user_id)

    def member_unit_rows(self):
        """Every unit is followed by one ordinary member (the leadership follows none)."""
        followers = list(range(len(LEADERSHIP) + 1, self.size.members + 1))
        for index, unit in enumerate(self.units):
            member = followers[index % len(followers)]
            unit.followers.append(member)
            yield (member, unit.id)

    # the catalog

    def _service_counts(self):
        total = sum(unit.weight for unit in self.units)
        counts = [self.size.services * unit.weight // total for unit in self.units]
        for index in range(self.size.services - sum(counts)):
            counts[index % len(counts)] += 1
        return counts

    def catalog(self):
        """``(services, level changes)`` as lists of rows, with each service's history."""
        from taskforce.demo.procedures import PROCEDURES, expand
        from taskforce.services.text import fold

        pools = {key: [(field_name, name) for field_name, patterns in fields.items()
                       for pattern in patterns for name in expand(pattern)]
                 for key, fields in PROCEDURES.items()}
        services, changes = [], []
        ident = 0
        for unit, count in zip(self.units, self._service_counts(), strict=True):
            template = unit.code.split("-", 1)[1]
            pool = pools.get(template, pools["district"])
            tier = "province" if unit.kind == "department" else "district"
            for n in range(count):
                ident += 1
                field_name, name = pool[n % len(pool)]
                name += QUALIFIERS[(n // len(pool)) % len(QUALIFIERS)]
                level, has_fee, history = self._history(ident, unit)
                services.append(self._service_row(ident, unit, n, name, fold(name), field_name,
                                                  tier, level, has_fee, history[0]))
                changes += history[1:]
                unit.services.append((ident, level))
        return services, [(number, *row) for number, row in enumerate(changes, start=1)]

    def _service_row(self, ident, unit, n, name, key, field_name, tier, level, has_fee, listed):
        ready = level == 4
        return (ident, f"{unit.code}-{n + 1:04d}", name, key, field_name, unit.id, tier,
                has_fee, level, 4 if level == 3 else None,
                "whole_process" if ready else "partial" if level == 3 else None,
                has_fee and (ready or self.rng.random() < 0.3),
                ready or self.rng.random() < 0.3, ready or self.rng.random() < 0.3, True,
                self.at(listed))

    def _final_level(self):
        draw = self.rng.random()
        return 4 if draw < 0.27 else 3 if draw < 0.72 else 2 if draw < 0.95 else 1

    def _history(self, service_id, unit):
        """``(level, has_fee, [listed_on, change rows...])``: the verified path and claims."""
        level = self._final_level()
        has_fee = self.rng.random() < 0.4
        listed_on = self.days_ago(540, 900)
        start = level if level <= 2 else (2 if self.rng.random() < 0.4 else 3)
        if level == 4 and start == 3 and self.rng.random() < 0.3:
            start = 2
        rows = [listed_on, self._change(service_id, None, start, listed_on, "initial", None)]
        on = listed_on
        if level >= 3 and start == 2:
            on = on + timedelta(days=self.rng.randint(30, 200))
            rows.append(self._change(service_id, 2, 3, on, "import", None))
        if level == 4:
            on = max(on + timedelta(days=10), self.days_ago(5, 450))
            source = "claim" if self.rng.random() < 0.8 else "import"
            rows.append(self._change(service_id, 3, 4, on, source, unit))
        elif level == 3:
            draw = self.rng.random()
            if draw < 0.04:
                rows.append(self._claim(service_id, self.days_ago(1, 40), unit, "pending"))
            elif draw < 0.05:
                rows.append(self._claim(service_id, self.days_ago(60, 200), unit, "returned"))
        return level, has_fee, rows

    def _change(self, service_id, from_level, to_level, on, source, unit):
        claimed_at = self.at(on)
        if source != "claim":
            return (service_id, from_level, to_level, on, "verified", source, None, None,
                    claimed_at, None, None, None, None, None, None)
        verified_at = min(claimed_at + timedelta(days=self.rng.randint(1, 10)), self.now)
        return (service_id, from_level, to_level, on, "verified", "claim", None,
                unit.officer_id, claimed_at, self.rng.choice(self.leader_users), verified_at,
                None, "Đã nộp thử hồ sơ và nhận kết quả trực tuyến.",
                json.dumps(dict.fromkeys(("online_processing", "online_payment",
                                          "online_result", "evaluation"), True)), None)

    def _claim(self, service_id, on, unit, status):
        claimed_at = min(self.at(on + timedelta(days=1)), self.now)
        returned = status == "returned"
        return (service_id, 3, 4, on, status, "claim", None, unit.officer_id, claimed_at,
                self.rng.choice(self.leader_users) if returned else None,
                claimed_at + timedelta(days=3) if returned else None,
                RETURN_REASON if returned else None,
                "Đã nộp thử hồ sơ và nhận kết quả trực tuyến.",
                json.dumps(dict.fromkeys(("online_processing", "online_payment",
                                          "online_result", "evaluation"), True)), None)

    def usage_rows(self, services):
        """Twelve months of dossiers for every service at level 3 or 4."""
        first = date(self.today.year, self.today.month, 1) - relativedelta(months=11)
        months = [first + relativedelta(months=n) for n in range(12)]
        ident = 0
        for row in services:
            service_id, has_fee, level = row[0], row[7], row[8]
            if level < 3:
                continue
            idle = level == 4 and self.rng.random() < 0.12
            share = (0.5, 1.0) if level == 4 else (0.0, 0.3)
            for month in months:
                ident += 1
                total = int(self.rng.expovariate(1 / 40))
                online = 0 if idle else round(total * self.rng.uniform(*share))
                # Digitised: 10-90 % of the month's dossiers, without a draw (the rows after
                # these stay the same as before the column was written).
                digitised = total * (1 + (service_id + month.month) % 9) // 10
                yield (ident, service_id, month, total, online, online // 2 if has_fee else 0,
                       digitised)

    # tasks

    def task_rows(self):
        """``(tasks, task_services, extension_requests)`` as lists of rows."""
        open_pools = {unit.id: self.rng.sample([s for s, level in unit.services if level < 4],
                                               k=sum(1 for _s, lv in unit.services if lv < 4))
                      for unit in self.units}
        tasks, links, extensions = [], [], []
        for ident in range(1, self.size.tasks + 1):
            unit = self.units[self.rng.randrange(len(self.units))]
            plan = self._task_plan(unit)
            covered = self._cover(plan, unit, open_pools[unit.id])
            links += [(ident, service_id) for service_id in covered]
            extensions += self._extensions(ident, unit, plan)
            tasks.append(self._task_row(ident, unit, plan, covered))
        extensions = [(n, *row) for n, row in enumerate(extensions, start=1)]
        return tasks, links, extensions

    def _task_plan(self, unit):
        if self.size_name == "peer":
            return self._peer_plan()
        draw = self.rng.random()
        if draw < 0.80:
            status = "done" if self.rng.random() < 0.95 else "cancelled"
            due = self.days_ago(1, 700)
        elif draw < 0.85:
            status = self._pick((("new", 0.15), ("in_progress", 0.6), ("returned", 0.1),
                                 ("reported", 0.15)))
            due = self.days_ago(1, 90)
        else:
            status = self._pick((("new", 0.25), ("in_progress", 0.55), ("reported", 0.08),
                                 ("returned", 0.05), ("done", 0.07)))
            due = self.today + timedelta(days=self.rng.randint(0, 150))
        created_on = min(due - timedelta(days=self.rng.randint(20, 120)),
                         self.today - timedelta(days=self.rng.randint(1, 15)))
        return {"status": status, "due_on": due, "created_on": created_on,
                "kind": "upgrade" if self.rng.random() < 0.6 else "general"}

    def _peer_plan(self):
        status = self._pick(PEER_STATUSES)
        due = self.today + timedelta(days=self.rng.randint(-45, 45))
        created_on = min(due - timedelta(days=self.rng.randint(20, 120)),
                         self.today - timedelta(days=self.rng.randint(1, 15)))
        return {"status": status, "due_on": due, "created_on": created_on,
                "kind": "upgrade" if self.rng.random() < 0.6 else "general"}

    def _pick(self, weighted):
        draw, total = self.rng.random(), 0.0
        for value, weight in weighted:
            total += weight
            if draw < total:
                return value
        return weighted[-1][0]

    def _cover(self, plan, unit, open_pool):
        """The services an upgrade task covers: level 4 when done, else still to upgrade."""
        if plan["kind"] != "upgrade":
            return []
        count = self.rng.randint(1, 3)
        if plan["status"] == "done":
            upgraded = [s for s, level in unit.services if level == 4]
            chosen = self.rng.sample(upgraded, min(count, len(upgraded)))
        elif plan["status"] == "cancelled":
            chosen = self.rng.sample([s for s, _level in unit.services],
                                     min(count, len(unit.services)))
        else:
            chosen = [open_pool.pop() for _ in range(min(count, len(open_pool)))]
        if not chosen:
            plan["kind"] = "general"
        return sorted(chosen)

    def _task_row(self, ident, unit, plan, covered):
        status, due, created_on = plan["status"], plan["due_on"], plan["created_on"]
        created_at = self.at(created_on)
        completed_on = completed_at = reported_at = None
        if status == "done":
            late = self.rng.random() < 0.2 and due < self.today
            completed_on = (min(due + timedelta(days=self.rng.randint(1, 30)), self.today)
                            if late else max(created_on, min(due, self.today) - timedelta(
                                days=self.rng.randint(0, 20))))
            completed_at = max(self.at(completed_on), created_at)
            reported_at = completed_at - timedelta(hours=self.rng.randint(2, 72))
        elif status == "reported":
            reported_at = self.at(max(created_on, self.today - timedelta(days=5)))
        ended_at = completed_at or (self.at(min(due, self.today)) if status == "cancelled"
                                    else self.now)
        ended_at = max(ended_at, created_at)
        follower = unit.followers[0] if unit.followers else None
        assignee = (self.rng.randint(len(LEADERSHIP) + 1, self.size.members)
                    if plan["kind"] == "general" and self.rng.random() < 0.3 else None)
        progress = (100 if status == "done" else 0) if plan["kind"] == "upgrade" else (
            100 if status == "done" else self.rng.randrange(0, 95, 5))
        title = (UPGRADE_TITLE.format(count=len(covered)) if plan["kind"] == "upgrade" else
                 self.rng.choice(GENERAL_TITLES).format(year=due.year, month=due.month,
                                                        quarter=(due.month - 1) // 3 + 1))
        self.tasks.append(TaskInfo(ident, unit, status, created_at, ended_at,
                                   self.member_users.get(follower)))
        return (ident, plan["kind"], title, "", unit.id, assignee, follower, due,
                plan.get("original_due_on", due),
                self._pick(PRIORITIES), status, progress, f"{ident}/KH-TCT",
                created_on, None, self.rng.choice(self.leader_users), created_at, ended_at,
                reported_at, completed_at, completed_on,
                DECISION_NOTES["cancelled"] if status == "cancelled" else None)

    def _extensions(self, task_id, unit, plan):
        """An approved extension for some tasks (the due date moved), a pending one for few."""
        draw = self.rng.random()
        due, created_on = plan["due_on"], plan["created_on"]
        leader = self.rng.choice(self.leader_users)
        if draw < 0.06 and plan["status"] != "cancelled":
            original = due - timedelta(days=self.rng.randint(7, 45))
            if original <= created_on:
                return []
            plan["original_due_on"] = original
            asked = min(self.at(original - timedelta(days=2)), self.now)
            return [(task_id, original, due, EXTENSION_REASON, unit.officer_id, asked,
                     "approved", leader, asked + timedelta(days=1), "Đồng ý gia hạn.")]
        if draw < 0.075 and plan["status"] in ("new", "in_progress", "returned"):
            return [(task_id, due, due + timedelta(days=self.rng.randint(7, 30)),
                     EXTENSION_REASON, unit.officer_id, self.now - timedelta(days=1), "pending",
                     None, None, None)]
        return []

    def status_update_rows(self):
        """About ``updates / tasks`` timeline entries per task, the total exactly as sized."""
        counts = self._update_counts()
        ident = 0
        for task, count in zip(self.tasks, counts, strict=True):
            for row in self._timeline(task, count):
                ident += 1
                yield (ident, *row)

    def _update_counts(self):
        average = self.size.updates // self.size.tasks
        counts = [self.rng.randint(1, 2 * average - 1) for _ in self.tasks]
        gap = self.size.updates - sum(counts)
        step = 1 if gap > 0 else -1
        while gap:
            index = self.rng.randrange(len(counts))
            if counts[index] + step >= 1:
                counts[index] += step
                gap -= step
        return counts

    def _timeline(self, task, count):
        """``count`` entries between the task's creation and end, status changes included."""
        span = max((task.ended_at - task.created_at).total_seconds(), 60.0)
        moments = sorted(task.created_at + timedelta(seconds=self.rng.random() * span)
                         for _ in range(count))
        closing = {"done": [("in_progress", "reported"), ("reported", "done")],
                   "reported": [("in_progress", "reported")],
                   "returned": [("in_progress", "reported"), ("reported", "returned")],
                   "cancelled": [("in_progress", "cancelled")]}.get(task.status, [])
        steps = [] if task.status == "new" else [("new", "in_progress")]
        steps = (steps + [None] * max(0, count - len(steps) - len(closing)) + closing)[-count:]
        author = task.unit.officer_id or task.follower_user
        for moment, step in zip(moments, steps, strict=True):
            by_leader = step is not None and step[1] in ("done", "returned", "cancelled")
            who = self.rng.choice(self.leader_users) if by_leader else author
            if step is None:
                yield (task.id, who, moment, self.rng.randrange(0, 95, 5),
                       self.rng.choice(NOTES), None, None)
            else:
                yield (task.id, who, moment, None, DECISION_NOTES.get(step[1], ""), step[0],
                       step[1])

    def plan_rows(self):
        """``(plans, indicators, milestones)``: a plan of the five kinds of indicator, with
        targets at the end of next year. It is not the default: ``bench.run`` makes it the
        default for the rows that measure it, so the other rows stay without a plan."""
        target_on = date(self.today.year + 1, 12, 31)
        plans = [(1, BENCH_PLAN, "Chính quyền số: năm chỉ tiêu dịch vụ công trực tuyến",
                  "942/QĐ-TTg", date(2021, 6, 15), date(self.today.year, 1, 1), target_on, False,
                  self.now)]
        indicators = [
            (1, 1, "TOAN-TRINH", "Tỷ lệ dịch vụ công trực tuyến toàn trình", "share_at_class",
             {"min_level": 4, "verified_only": True}, 0),
            (2, 1, "HS-TRUC-TUYEN", "Tỷ lệ hồ sơ nộp trực tuyến", "online_dossiers",
             {"months": 12}, 1),
            (3, 1, "THANH-TOAN", "Tỷ lệ hồ sơ thanh toán trực tuyến", "paid_online",
             {"months": 12}, 2),
            (4, 1, "SO-HOA", "Tỷ lệ hồ sơ được số hóa", "digitised", {"months": 12}, 3),
            (5, 1, "HIEU-QUA", "Tỷ lệ dịch vụ toàn trình có phát sinh hồ sơ trực tuyến",
             "effectiveness", {"min_level": 4, "months": 3}, 4),
        ]
        milestones = [(n, n, 0.8, target_on) for n in range(1, 6)]
        return plans, indicators, milestones

    def settings_rows(self):
        return [("target_share", 0.3, None, self.now),
                ("target_on", (self.today + timedelta(days=45)).isoformat(), None, self.now)]


# The columns written, in the order of the rows above.
COLUMNS = {
    "units": ("id", "code", "name", "name_key", "kind", "parent_id", "focal_name", "focal_title",
              "focal_email", "focal_phone", "notify_emails", "display_order", "active",
              "feed_token"),
    "users": ("id", "email", "full_name", "password_hash", "role", "unit_id", "is_verifier",
              "active", "locale", "session_token", "calendar_token", "failed_logins",
              "failed_codes", "locked_until", "totp_secret", "last_login_at", "created_at"),
    "members": ("id", "full_name", "position", "is_invited", "title", "organisation", "email",
                "phone", "display_order", "active", "user_id"),
    "member_units": ("member_id", "unit_id"),
    "services": ("id", "code", "name", "name_key", "field", "unit_id", "tier", "has_fee", "level",
                 "target_level", "online_class", "has_online_payment", "is_connected_evaluation",
                 "has_online_result", "active", "created_at"),
    "level_changes": ("id", "service_id", "from_level", "to_level", "effective_on", "status",
                      "source", "task_id", "claimed_by_id", "claimed_at", "verified_by_id",
                      "verified_at", "return_reason", "evidence_note", "prerequisites",
                      "evidence_id"),
    "service_usage": ("id", "service_id", "month", "dossiers_total", "dossiers_online",
                      "dossiers_paid_online", "dossiers_digitised"),
    "plans": ("id", "code", "name", "basis_number", "basis_date", "starts_on", "ends_on",
              "is_default", "created_at"),
    "plan_indicators": ("id", "plan_id", "code", "name", "measure", "params", "position"),
    "plan_milestones": ("id", "indicator_id", "target_value", "target_on"),
    "tasks": ("id", "kind", "title", "description", "unit_id", "assignee_id", "follower_id",
              "due_on", "original_due_on", "priority", "status", "progress", "doc_number",
              "doc_date", "doc_title", "created_by_id", "created_at", "updated_at",
              "reported_at", "completed_at", "completed_on", "cancelled_reason"),
    "task_services": ("task_id", "service_id"),
    "extension_requests": ("id", "task_id", "previous_due_on", "requested_due_on", "reason",
                           "requested_by_id", "requested_at", "decision", "decided_by_id",
                           "decided_at", "decision_note"),
    "status_updates": ("id", "task_id", "author_id", "created_at", "progress", "note",
                       "status_from", "status_to"),
    "settings": ("key", "value", "updated_by_id", "updated_at"),
}


def fill(engine, size_name, *, seed=SEED, today=TODAY):
    """Write the whole data set of ``size_name`` into the (migrated, empty) database."""
    import taskforce.models  # noqa: F401 - puts every table on the metadata
    from taskforce.extensions import db

    loader = Loader(engine, db.metadata.tables)
    data = DataSet(size_name, seed=seed, today=today)
    loader.load("units", COLUMNS["units"], list(data.unit_rows()))
    loader.load("users", COLUMNS["users"], list(data.user_rows()))
    loader.load("members", COLUMNS["members"], list(data.member_rows()))
    loader.load("member_units", COLUMNS["member_units"], list(data.member_unit_rows()))
    services, changes = data.catalog()
    loader.load("services", COLUMNS["services"], services, copy=True)
    tasks, links, extensions = data.task_rows()
    loader.load("tasks", COLUMNS["tasks"], tasks, copy=True)
    loader.load("task_services", COLUMNS["task_services"], links, copy=True)
    loader.load("level_changes", COLUMNS["level_changes"], changes, copy=True)
    loader.load("service_usage", COLUMNS["service_usage"], data.usage_rows(services), copy=True)
    loader.load("extension_requests", COLUMNS["extension_requests"], extensions, copy=True)
    loader.load("status_updates", COLUMNS["status_updates"], data.status_update_rows(),
                copy=True)
    for name, rows in zip(("plans", "plan_indicators", "plan_milestones"), data.plan_rows(),
                          strict=True):
        loader.load(name, COLUMNS[name], rows)
    loader.load("settings", COLUMNS["settings"], data.settings_rows())
    loader.finish()
    # Statistics for the planners, as autovacuum (PostgreSQL) would gather them soon after.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    # Rows written around the session: the figures any worker keeps must be computed again,
    # and the stored figures (kpi_store) written from the history.
    from taskforce.services import kpi_cache

    with engine.begin() as conn:
        kpi_cache.touch(conn, today)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE month_figures"))
    return loader.counts


# The database ---------------------------------------------------------------------------------

def engine_url(url):
    """The SQLAlchemy URL the application would use for ``url`` (psycopg 3 for PostgreSQL)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return sa.engine.make_url(url)


def recreate(url):
    """Drop and create the database (a PostgreSQL database, or an SQLite file)."""
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        return
    if url.database in RESERVED_DATABASES:
        raise SystemExit(f"refusing to recreate the database {url.database!r}")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def migrate(url):
    """Build the schema the only way it is built: ``flask db upgrade``."""
    with tempfile.TemporaryDirectory(prefix="taskforce-bench-") as instance:
        env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False),
               "SCHEDULER_ENABLED": "0", "TASKFORCE_INSTANCE": instance,
               "TASKFORCE_ENV": "development"}
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                       cwd=ROOT, env=env, check=True, capture_output=True)


def is_empty(engine):
    with engine.connect() as conn:
        return not conn.execute(sa.text("SELECT 1 FROM units LIMIT 1")).first()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--database-url", required=True,
                        help="sqlite:////tmp/x.db or postgresql://user@host/taskforce_bench_x")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY,
                        help="the date the data is laid out around (YYYY-MM-DD)")
    parser.add_argument("--fresh", action="store_true",
                        help="drop and recreate the database first")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    url = engine_url(args.database_url)
    started = time.perf_counter()
    if args.fresh:
        recreate(url)
    migrate(url)
    engine = sa.create_engine(url)
    if not is_empty(engine):
        raise SystemExit("the database already holds data: use --fresh to start again")
    print(f"Filling {url.render_as_string(hide_password=True)} ({args.size}, seed {args.seed}, "
          f"today {args.today})", flush=True)
    counts = fill(engine, args.size, seed=args.seed, today=args.today)
    engine.dispose()
    print(f"Done in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{name} {count:,}" for name, count in counts.items()))


if __name__ == "__main__":
    main()
