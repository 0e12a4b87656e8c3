"""Import of the service catalog and of monthly usage figures from Excel (.xlsx) or CSV files.

Importing is two steps: ``plan_*`` reads the file and compares it with the database
without writing anything; ``apply_*`` writes a plan that has no errors. A file with
any error writes nothing at all. Reading the file is taskforce.services.spreadsheets' part;
``sheets`` holds what both imports share, ``catalog`` and ``usage`` one kind of file each,
``templates`` the files to fill in, made from the same columns.
"""

from taskforce.services.catalog_import.catalog import apply_catalog_import, plan_catalog_import
from taskforce.services.catalog_import.sheets import ImportPlan
from taskforce.services.catalog_import.templates import TEMPLATES, template_xlsx
from taskforce.services.catalog_import.templates import file_name as template_name
from taskforce.services.catalog_import.usage import apply_usage_import, plan_usage_import

__all__ = ["TEMPLATES", "ImportPlan", "apply_catalog_import", "apply_usage_import",
           "import_file", "plan_catalog_import", "plan_usage_import", "template_name",
           "template_xlsx"]


def import_file(session, kind, data, filename="", *, actor, verified, today, now):
    """Plan the import of ``data`` and write it when the plan has no errors; return the plan."""
    if kind == "usage":
        plan = plan_usage_import(session, data, filename, today=today)
        if plan.ok:
            apply_usage_import(session, plan, actor=actor, now=now)
        return plan
    plan = plan_catalog_import(session, data, filename, today=today, verified=verified)
    if plan.ok:
        apply_catalog_import(session, plan, actor=actor, verified=verified, today=today, now=now)
    return plan
