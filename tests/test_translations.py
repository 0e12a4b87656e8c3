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
         "-k", "_l", "-k", "N_", "--no-location", "-o", str(pot), "."],
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
