"""Text helpers: Unicode normalisation and accent-free keys for matching and search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(value):
    """Normalise to NFC and collapse white space; None stays None."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


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
