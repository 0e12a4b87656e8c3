"""The Vietnamese catalog holds a translation for every text in the code and templates."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "taskforce" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def extract(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "N_", "--ignore-dirs", ".* __pycache__", "--no-location",
         "-o", str(pot), "."],
        cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def test_vietnamese_catalog_is_up_to_date(tmp_path):
    wanted = extract(tmp_path)
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and "fuzzy" not in m.flags
        and (m.string if isinstance(m.string, str) else m.string[0])
    }
    missing = sorted(wanted - translated)
    assert missing == [], "texts without a Vietnamese translation (run `make messages`)"


def test_translations_keep_the_placeholders():
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    wrong = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string
             and sorted(pattern.findall(m.id)) != sorted(pattern.findall(m.string))]
    assert wrong == []


def formats(text):
    from collections import defaultdict

    try:
        text % defaultdict(lambda: 1)
    except (TypeError, ValueError, KeyError):
        return False
    return True


def test_every_translation_formats_like_its_msgid():
    """Templates %-format every string, so a stray % in a translation would break a page."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    broken = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(formats(i) for i in ids) and not all(formats(s) for s in strings if s):
            broken.append(ids[0])
    assert broken == []


def test_extraction_reads_every_template_folder(tmp_path):
    """Babel skips folders named _* by default: templates/_macros must be read too."""
    pot = tmp_path / "located.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "N_", "--ignore-dirs", ".* __pycache__", "-o", str(pot), "."],
        cwd=ROOT, check=True)
    with pot.open("rb") as f:
        read = {Path(path).parent for m in read_po(f) for path, _line in m.locations}
    with_texts = {path.relative_to(ROOT).parent for path in (ROOT / "templates").rglob("*.html")
                  if "_(" in path.read_text(encoding="utf-8")}
    assert with_texts - read == set()
    assert Path("templates/_macros") in read


def english_texts():
    """The catalog's msgids of two words or more whose Vietnamese differs, without placeholders."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    texts = set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        text = message.id.strip()
        if len(text.split()) >= 2 and "%" not in text and "{" not in text:
            texts.add(text)
    return texts


def visible_text(page):
    """What a reader sees of a page: tags, scripts and styles gone, entities decoded, spaces one."""
    import html
    import re

    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def test_no_english_text_on_a_vietnamese_page(make_app):
    """Every GET page a leader or an officer opens in Vietnamese, with the world's objects."""
    from taskforce.extensions import db
    from taskforce.models import Role, User
    from tests import factories
    from tests.security.world import TODAY, build_world, log_in, routes, url_of

    app = make_app(TODAY=TODAY)
    english = english_texts()
    with app.app_context():
        world = build_world()
        leader = factories.user(role=Role.LEADER, locale="vi")
        db.session.commit()
        found, pages = {}, 0
        for email in (leader.email, db.session.get(User, world["officer_b"]).email):
            client = app.test_client()
            log_in(client, email)
            for rule, _method in routes(app, "GET"):
                try:
                    url = url_of(rule, world)
                except LookupError:
                    continue
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                pages += 1
                text = visible_text(response.get_data(as_text=True))
                for phrase in english:
                    if phrase in text:
                        found.setdefault(phrase, url)
        db.session.rollback()
    assert pages > 40
    assert found == {}
