"""docs/ARCHITECTURE.md matches the tree: every path it names exists, every package is named."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "ARCHITECTURE.md"
NAMED = re.compile(r"`((?:[a-z_]+/)*[a-z_]+(?:\.py|/))`")


def named_paths():
    return set(NAMED.findall(PAGE.read_text()))


def resolve(name):
    """A name as the page writes it: from the project, from taskforce/, or from services/."""
    bases = (ROOT, ROOT / "taskforce", ROOT / "taskforce" / "services",
             ROOT / "taskforce" / "models", ROOT / "taskforce" / "web" / "tasks")
    for base in bases:
        if (base / name).exists():
            return base / name
    return None


def test_every_path_the_page_names_exists():
    missing = sorted(name for name in named_paths() if resolve(name) is None)
    assert not missing, f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"


def test_every_package_and_service_module_is_named():
    text = PAGE.read_text()
    packages = [p.name for p in (ROOT / "taskforce").iterdir()
                if p.is_dir() and (p / "__init__.py").exists() and p.name != "translations"]
    services = [p.stem if p.is_file() else p.name
                for p in (ROOT / "taskforce" / "services").iterdir()
                if (p.suffix == ".py" and p.stem != "__init__")
                or (p.is_dir() and (p / "__init__.py").exists())]
    unnamed = sorted(name for name in packages + services if name not in text)
    assert not unnamed, f"docs/ARCHITECTURE.md does not say what these own: {unnamed}"
