"""Import of the catalog and of usage figures from Excel or CSV, with a preview."""

from taskforce.web.catalog import bp  # noqa: F401
