"""Online classes: one ordinal scale for a service's online provision, in two vocabularies.

The scale is the stored level (``Service.level``, ``LevelChange.to_level``), 1 to 4:

  1  not online: the procedure's information only    "Level 1" | "Information only"
  2  forms online, dossiers still filed on paper      "Level 2" | "Information only"
  3  partial online (một phần)                        "Level 3" | "Partial online"
  4  full online (toàn trình)                         "Level 4" | "Full online"

Level 1 carries "not online" honestly: every procedure's information is published, so a
service with nothing more online is at level 1 in the old vocabulary and "information only"
in the new. Decree 42/2022/NĐ-CP (in force 1 August 2022) named level 4 toàn trình and level 3
một phần, as provincial one-stop systems map them, and left levels 1 and 2 as services that
provide information only. Stored values never change: only the words depend on the date shown,
before or after the switch date (a setting, ``settings.class_switch_on``).
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from taskforce.services.text import fold

LEVELS = (1, 2, 3, 4)
FULL, PARTIAL = 4, 3
DEFAULT_SWITCH_ON = date(2022, 8, 1)

OLD_LABELS = {1: _l("Level 1"), 2: _l("Level 2"), 3: _l("Level 3"), 4: _l("Level 4")}
NEW_LABELS = {1: _l("Information only"), 2: _l("Information only"), 3: _l("Partial online"),
              4: _l("Full online")}
# The classes the new vocabulary tells apart, each with the stored levels it covers.
NEW_CLASSES = {1: (1, 2), 3: (3,), 4: (4,)}

# Words that name the kind of service or say "online", never its class: "DVCTT", "DVC", "TT",
# "dịch vụ công trực tuyến"... Folded, without accents.
_FILLER = re.compile(r"\b(?:dich vu cong truc tuyen|dich vu cong|dich vu|dvctt|dvc|dv|"
                     r"truc tuyen|tt|cong)\b")
_INFORMATION = re.compile(r"\b(?:cung cap thong tin|thong tin|chua truc tuyen|khong truc tuyen|"
                          r"information only|not online)\b")
# The classes' names, the app's own English labels included (an export read back in).
_PHRASES = (
    (re.compile(r"\b(?:toan trinh|full online|full)\b"), FULL),
    (re.compile(r"\b(?:mot phan|1 phan|partial online|partial)\b"), PARTIAL),
    (_INFORMATION, 1),
)
_LEVEL = re.compile(r"\b(?:muc do|muc|md|level|cap do)\s*(?:so\s*)?([1-4]|iv|iii|ii|i)\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMBER = re.compile(r"([1-4])(?:[.,]0+)?")


def is_new_vocabulary(on, switch_on=DEFAULT_SWITCH_ON):
    """Whether a date falls under Decree 42/2022's classes rather than the levels."""
    return on is not None and on >= switch_on


def class_label(level, on, switch_on=DEFAULT_SWITCH_ON):
    """The words for a stored level in the vocabulary in force on ``on``."""
    labels = NEW_LABELS if is_new_vocabulary(on, switch_on) else OLD_LABELS
    return labels.get(level, str(level) if level is not None else "")


def choices(on, switch_on=DEFAULT_SWITCH_ON):
    """``[(level, label)]`` to choose a class from, in the vocabulary in force on ``on``.

    After the switch, "information only" stands for levels 1 and 2 and is offered once, as 1.
    """
    levels = NEW_CLASSES if is_new_vocabulary(on, switch_on) else LEVELS
    return [(level, class_label(level, on, switch_on)) for level in levels]


def levels_in_class(level, on, switch_on=DEFAULT_SWITCH_ON):
    """The stored levels a chosen class covers: after the switch, 1 or 2 means both."""
    if is_new_vocabulary(on, switch_on) and level in NEW_CLASSES[1]:
        return NEW_CLASSES[1]
    return (level,)


def _normal(text):
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def parse_class(value):
    """The level a cell or form names in either vocabulary, any spelling; None when unknown.

    "4", 4, "Mức độ 4", "mức 4", "DVC mức độ 4", "DVCTT mức độ 4" → 4; "Toàn trình",
    "DVCTT toàn trình" → 4; "Một phần", "TT một phần" → 3; "Cung cấp thông tin" → 1.
    A cell naming two different classes is unknown.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value) if value in LEVELS else None
    text = str(value).strip()
    number = _NUMBER.fullmatch(text)
    if number:
        return int(number.group(1))
    text, found = _normal(text), set()
    for pattern, level in _PHRASES:
        if pattern.search(text):
            found.add(level)
            text = pattern.sub(" ", text)
    for match in _LEVEL.finditer(text):
        found.add(_ROMAN.get(match.group(1)) or int(match.group(1)))
    text = _FILLER.sub(" ", _LEVEL.sub(" ", text)).strip()
    if not found and _NUMBER.fullmatch(text):
        found.add(int(text))
    elif text:
        return None
    return found.pop() if len(found) == 1 else None


def names_class_of(value, level):
    """Whether a cell names the class a stored level is in.

    "Information only" is the new vocabulary's word for levels 1 and 2 alike, so it leaves a
    service at either level where it is; any other spelling must name the level itself.
    """
    found = parse_class(value)
    if found == level:
        return True
    return (found == 1 and level in NEW_CLASSES[1]
            and _INFORMATION.search(_normal(str(value))) is not None)
