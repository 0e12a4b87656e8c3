"""Generated input posted to every form, and generated files given to the importers.

Forms are found, not listed: every page the leadership, an administrator and an anonymous
visitor can open is rendered and its POST forms are fuzzed, field by field, with long strings,
Unicode of every kind, control characters, huge numbers, impossible dates, wrong types,
missing and repeated fields. Never a 5xx; a request that changes the database must be
answered with a redirect (the form was accepted); anything else writes nothing, but for a
wrong log-in code, which is counted against the account.
"""

import io
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pyotp
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from taskforce.extensions import db
from taskforce.models import Notification, Role, Unit
from taskforce.services import catalog_import
from taskforce.services.errors import DomainError
from tests import factories
from tests.conftest import clean_database
from tests.security import COUNTS
from tests.security.forms import post_forms
from tests.security.world import (
    PLAUSIBLE,
    TODAY,
    build_world,
    changed,
    log_in,
    routes,
    snapshot,
    url_of,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# More for a deeper run: FUZZ_EXAMPLES=500 pytest tests/security/test_fuzz_forms.py
EXAMPLES_PER_FORM = int(os.environ.get("FUZZ_EXAMPLES", "15"))
# POST routes whose form is not fuzzed, and why; any other POST route must be found on a page.
NOT_FUZZED = {"auth.logout": "no fields: it only ends the session",
              # Its form is shown only for a token of one's own, named in the query;
              # tests/api/test_tokens.py posts it with others' ids and nonsense.
              "tokens.revoke": "a confirmation for one's own token only"}
# Routes that answer a valid post with a page of their own instead of a redirect.
ANSWER_WITH_A_PAGE = {"auth.two_factor", "tasks.wizard", "catalog.import_catalog",
                      "admin.reorganisations_page",  # the preview of the sheet
                      "scorecard.upload",  # the preview of the score table
                      "tokens.index",  # the new token is shown once, on the page
                      "reviews.letter"}  # the numbered letter comes back as its .docx
# Refusals counted against the account, as its lock-out needs: they may write these tables.
COUNTED_REFUSALS = {"auth.login_code": {"users"}}
# How a page says what was wrong: a message under a field, or above the form.
ERROR_MARKERS = ("invalid-feedback", "alert-danger")
DROP = object()
# A catalog file that the world's units make valid, to reach the import's confirmation.
PREVIEWED = "Mã thủ tục,Tên thủ tục,Cơ quan thực hiện,Mức độ\nMOI-1,Thủ tục mới,Sở Tư pháp,3\n"
PREVIEWED = PREVIEWED.encode()
# A 766 score table of the world's unit B, to reach the scorecard import's confirmation.
# A reorganisation sheet renaming unit B, to reach the reorganisation's confirmation.
REORGANISED = "effective_on,change,from_codes,to_code,to_name,basis\n"
SCORED = ('[{"TEN_COQUAN": "Sở Tư pháp", "CKMB": "15", "TDGQ": "18", "CLGQ": "10", '
          '"TTTT": "8", "MDSH": "17", "MDHL": "16", "TONG_SCORE": "84"}]').encode()

SPECIALS = [
    "", " ", "\x00", "a\x00b", "\x01\x02\x1b\x1f\x7f", "\t\r\n", "\u202eevil\u202c",
    "\u200f\u200e\u200b", "\ufeff", "Đ\u0301\u0323", "Nguye\u0302\u0303n Thi\u0323 A\u0301nh",
    "\u0301" * 40, "𝕿𝖊𝖘𝖙 😀", "\U0010ffff", "2020-02-30", "31/12/99999", "30/02/2020",
    "0001-01-01", "9999-12-31", "01/01/0001", "31/12/9999", "00/00/0000", "2020-13-01",
    str(10**30), str(-(10**30)), "-1", "-0", "0", "1e400", "NaN", "sNaN", "Infinity",
    "-Infinity", "1_000", "١٢٣", "²", "①", "１２", "2147483648", "-2147483649", "0x10", "1.5",
    "12,5", "<script>alert(1)</script>",
    "' OR 1=1 --", "%", "_", "\\", "../../etc/passwd", "=cmd|' /C calc'!A0", "{{7*7}}",
    "%(x)s", "x" * 5000,
]
FILE_NAMES = ["bien-ban.pdf", "catalog.csv", "catalog.xlsx", "../../etc/passwd", "a\x00.pdf",
              "Đơn\u0301 xin.xlsx", "", "x" * 300 + ".pdf", "evil.html", ".xlsx"]


def _long_text():
    return st.builds(lambda part, times: (part * times)[:5000], st.text(min_size=1, max_size=8),
                     st.integers(200, 5000))


def _dates():
    return st.dates().flatmap(lambda d: st.sampled_from(
        [d.isoformat(), f"{d.day:02d}/{d.month:02d}/{d.year}"]))


NASTY = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(max_size=60),
    _long_text(),
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    _dates(),
)


def _file_bytes():
    samples = [path.read_bytes() for path in sorted(SAMPLES.glob("*.*"))]
    return st.one_of(st.binary(max_size=2000), st.sampled_from(samples),
                     st.binary(max_size=200).map(lambda tail: b"%PDF-1.4\n" + tail))


def _file_value():
    return st.tuples(_file_bytes(), st.one_of(st.sampled_from(FILE_NAMES),
                                              st.text(max_size=40)))


def _valid(field):
    if field.kind == "file":
        return st.sampled_from([DROP, (b"%PDF-1.4\n%%EOF\n", "bien-ban.pdf")])
    valid = [v for v in (PLAUSIBLE.get(field.name), field.value, *field.options) if v is not None]
    if field.kind in ("checkbox", "radio", "button"):
        valid.append(DROP)  # not ticked, or another button pressed
    return st.sampled_from(list(dict.fromkeys(valid))) if valid else NASTY


def _bad(field):
    if field.kind == "file":
        return _file_value()
    return st.one_of(NASTY, st.lists(st.one_of(_valid(field), NASTY), min_size=2, max_size=3),
                     st.just(DROP))


@st.composite
def _payload(draw, form):
    """Valid values but for a few fields: nasty, repeated or missing ones."""
    payload = {name: draw(_valid(field)) for name, field in form.fields.items()}
    names = sorted(form.fields)
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else ():
        payload[name] = draw(_bad(form.fields[name]))
    return payload


def _steps(form, payload):
    """The buttons posted that ask for another step of the form (not its submission)."""
    return [name for name, field in form.fields.items() if field.kind == "button"
            and name != "submit" and payload.get(name, DROP) is not DROP]


def _request_data(payload):
    data = {}
    for name, value in payload.items():
        if value is DROP:
            continue
        if isinstance(value, tuple):
            data[name] = (io.BytesIO(value[0]), value[1])
        else:
            data[name] = value
    return data


class Fuzzer:
    """The world, the logged-in visitors and the state the next example starts from."""

    def __init__(self, app):
        self.app = app
        self.world = self.users = None
        self.clients = {}

    def build(self):
        """The world, with the visitors' accounts made the same way every time."""
        self.world = build_world()
        self.users = {
            "leader": factories.user(role=Role.LEADER, email="leader@fuzz.test",
                                     session_token="leader-fuzz-session"),
            "admin": factories.user(role=Role.ADMIN, email="admin@fuzz.test",
                                    session_token="admin-fuzz-session"),
            "two_factor": factories.user(role=Role.VIEWER, email="totp@fuzz.test",
                                         session_token="totp-fuzz-session",
                                         totp_secret=pyotp.random_base32()),
        }
        db.session.add(Notification(user_id=self.users["leader"].id, kind="overdue",
                                    task_id=self.world["task_b"], message="Quá hạn"))
        db.session.commit()

    def rebuild(self, visitor):
        """Start again from the same world: same ids and sessions, so clients stay in."""
        db.session.rollback()
        clean_database()
        self.build()
        if visitor in ("leader", "admin") and \
                self.clients[visitor].get("/account/password").status_code != 200:
            log_in(self.clients[visitor], self.users[visitor].email)  # its password changed

    def log_in(self):
        for role in ("leader", "admin"):
            self.clients[role] = self.app.test_client()
            log_in(self.clients[role], self.users[role].email)
        self.clients["anonymous"] = self.app.test_client()
        pending = self.clients["two_factor"] = self.app.test_client()
        pending.post("/login", data={"email": "totp@fuzz.test", "password": factories.PASSWORD})

    def pages(self):
        """(visitor, URL) of every page to look for forms on."""
        # Unit A's task is reported done: its pages hold the forms to accept or return it.
        reported = {**self.world, "task_b": self.world["task_a"]}
        urls = {url_of(rule, world) for rule, _m in routes(self.app, "GET")
                for world in (self.world, reported)}
        return [(visitor, url) for visitor in self.clients for url in sorted(urls)]

    def preview_page(self):
        """The import previews, the pages reached by a POST, with their confirmation forms."""
        data = {"kind": "catalog", "file": (io.BytesIO(PREVIEWED), "catalog.csv")}
        response = self.clients["leader"].post("/catalog/import", data=data)
        forms = post_forms("/catalog/import", response.get_data(as_text=True))
        data = {"period": "2020-10", "file": (io.BytesIO(SCORED), "diem.json")}
        response = self.clients["leader"].post("/scorecard/import", data=data)
        forms += post_forms("/scorecard/import", response.get_data(as_text=True))
        code = db.session.get(Unit, self.world["unit_b"]).code
        sheet = (f"{REORGANISED}2020-10-01,rename,{code},STP-MOI,Sở Tư pháp mới,NQ 1\n")
        data = {"file": (io.BytesIO(sheet.encode()), "sap-xep.csv")}
        response = self.clients["admin"].post("/admin/reorganisations", data=data)
        return forms + post_forms("/admin/reorganisations", response.get_data(as_text=True))

    def forms(self):
        """{(endpoint, field names): (visitor, form)} of every POST form found."""
        found = {}
        adapter = self.app.url_map.bind("localhost")
        candidates = [(visitor, form) for visitor, url in self.pages()
                      for form in self._forms_of(visitor, url)]
        candidates += [("leader", form) for form in self.preview_page()]
        for visitor, form in candidates:
            endpoint = adapter.match(form.action.split("?")[0], method="POST")[0]
            if endpoint not in NOT_FUZZED:
                found.setdefault((endpoint, frozenset(form.fields)), (visitor, form))
        db.session.rollback()
        return found

    def _forms_of(self, visitor, url):
        response = self.clients[visitor].get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            return []
        return post_forms(url, response.get_data(as_text=True))


@pytest.fixture
def fuzzer(make_app):
    app = make_app(TODAY=TODAY, LOGIN_LIMIT_PER_ADDRESS="100000/minute",
                   LOGIN_LIMIT_PER_ACCOUNT="100000/minute", LOGIN_MAX_FAILURES=100000)
    with app.app_context():
        fuzz = Fuzzer(app)
        fuzz.build()
        fuzz.log_in()
        yield fuzz
        db.session.rollback()


def _fuzz_form(fuzz, endpoint, visitor, form):
    client = fuzz.clients[visitor]
    state = {"before": snapshot()}

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(payload=_payload(form))
    def example(payload):
        note(f"{visitor} posts to {form.action} (form of {form.page})")
        COUNTS["examples"] += 1
        response = client.post(form.action, data=_request_data(payload),
                               content_type="multipart/form-data" if form.multipart else None)
        COUNTS["requests"] += 1
        COUNTS[f"status {response.status_code}"] += 1
        assert response.status_code < 500, response.get_data(as_text=True)[:2000]
        if response.status_code == 200 and endpoint not in ANSWER_WITH_A_PAGE \
                and not _steps(form, payload):
            page = response.get_data(as_text=True)
            assert any(marker in page for marker in ERROR_MARKERS), "refused without a message"
        after = snapshot()
        written = changed(state["before"], after)
        if written and not (response.status_code == 200
                            and set(written) <= COUNTED_REFUSALS.get(endpoint, set())):
            assert response.status_code in (302, 303) or endpoint in ANSWER_WITH_A_PAGE, (
                f"{endpoint} answered {response.status_code} yet wrote to {written}")
            fuzz.rebuild(visitor)
            after = snapshot()
        state["before"] = after

    example()


def test_every_form_survives_generated_input(fuzzer):
    forms = fuzzer.forms()
    endpoints = {endpoint for endpoint, _fields in forms}
    post_routes = {rule.endpoint for rule, _m in routes(fuzzer.app, "POST")}
    assert post_routes - endpoints - set(NOT_FUZZED) == set(), "POST routes with no form found"
    for (endpoint, _fields), (visitor, form) in sorted(forms.items(), key=lambda item: (
            item[0][0], sorted(item[0][1]))):
        _fuzz_form(fuzzer, endpoint, visitor, form)
        COUNTS["forms"] += 1
    print(f"{len(forms)} forms of {len(endpoints)} routes fuzzed")


# The importers --------------------------------------------------------------------------------

HEADER_NAMES = ["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Mức độ", "Lĩnh vực",
                "Cấp thực hiện", "Ngày đạt mức", "Phí, lệ phí", "Tháng", "Tổng số hồ sơ",
                "Hồ sơ trực tuyến", "Thanh toán trực tuyến", "STT", "(1)"]
KNOWN_CELLS = ["Sở Tư pháp", "Sở Nội vụ", "U0001", "Mức độ 4", "4", "3", "Cấp tỉnh", "Có",
               "Không", "08/2020", "2020-08", "Tháng 8/2020", "1.234", "12", "x"]


def _cell_text():
    return st.one_of(st.sampled_from(KNOWN_CELLS + SPECIALS), st.text(max_size=30),
                     st.integers(-(10**12), 10**12).map(str))


def _cell_value():
    return st.one_of(
        _cell_text().map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
        st.integers(-(10**15), 10**15), st.floats(allow_nan=False, allow_infinity=False),
        st.dates(min_value=date(1900, 3, 1)), st.datetimes(min_value=datetime(1900, 3, 1)),
        st.booleans(), st.none())


def _rows(cell):
    header = st.lists(st.sampled_from(HEADER_NAMES), min_size=1, max_size=8)
    body = st.lists(st.lists(cell, max_size=9), max_size=12)
    return st.tuples(header, body).map(lambda parts: [parts[0], *parts[1]])


def _csv(rows, delimiter, encoding):
    text = "\r\n".join(delimiter.join(str(c).replace('"', '""') for c in row) for row in rows)
    return text.encode(encoding, errors="replace")


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = st.one_of(
    st.binary(max_size=3000),
    st.builds(_csv, _rows(_cell_text()), st.sampled_from([",", ";", "\t"]),
              st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"])),
    _rows(_cell_value()).map(_xlsx),
    st.binary(max_size=400).map(lambda tail: b"PK\x03\x04" + tail),
)


def test_importers_refuse_bad_files_with_a_message_and_write_nothing(secure_app):
    build_world()

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=FILES, kind=st.sampled_from(["catalog", "usage"]), verified=st.booleans())
    def example(data, kind, verified):
        COUNTS["examples"] += 1
        before = snapshot()
        try:
            plan = catalog_import.import_file(
                db.session, kind, data, "generated." + kind, actor=None, verified=verified,
                today=date.fromisoformat(TODAY), now=datetime.now(UTC))
        except DomainError as error:
            assert error.message
            plan = None
        if plan is not None and plan.ok:
            db.session.rollback()
            return
        db.session.commit()  # even a careless caller that commits after an error writes nothing
        assert changed(before, snapshot()) == []

    example()


def test_the_upload_page_answers_every_file_with_a_page_and_writes_nothing(secure_app):
    build_world()
    leader = factories.user(role=Role.LEADER)
    db.session.commit()
    client = secure_app.test_client()
    log_in(client, leader.email)
    before = snapshot()

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=FILES, kind=st.sampled_from(["catalog", "usage", "other"]),
           filename=st.sampled_from(["danh-muc.csv", "danh-muc.xlsx", "so-lieu.CSV", "x.xls"]))
    def example(data, kind, filename):
        COUNTS["examples"] += 1
        response = client.post("/catalog/import", data={
            "kind": kind, "file": (io.BytesIO(data), filename)})
        assert response.status_code == 200
        assert changed(before, snapshot()) == []

    example()
