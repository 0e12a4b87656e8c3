"""Reading exported workbooks: every sheet has a title block, then its table, which starts
where the sheet's filter starts (taskforce.services.exports)."""

from taskforce.services.exports import header_row


def first_row(sheet):
    """The number of a sheet's first data row."""
    return header_row(sheet) + 1


def table(sheet):
    """The header row and the data rows of a sheet, as tuples of values."""
    return list(sheet.iter_rows(min_row=header_row(sheet), values_only=True))
