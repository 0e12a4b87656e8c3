"""Text helpers: Unicode normalisation and accent-free keys for matching and search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Control characters that are not white space: NUL (PostgreSQL refuses it) and the like.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def clean(value):
    """Normalise to NFC, drop control characters, collapse white space; None stays None."""
    if value is None:
        return None
    text = _CONTROLS.sub("", unicodedata.normalize("NFC", str(value)))
    return _SPACES.sub(" ", text).strip()


def fold(value):
    """A lower-case key without accents (đ counts as d), for matching and search."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().lower()


def like_pattern(value):
    """A LIKE pattern matching ``value`` folded, anywhere, with LIKE's wildcards escaped."""
    key = fold(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{key}%"
