"""Demo data: placeholder, replaced below."""

ACCOUNTS = []


def is_empty(session):
    return True


def load(session, *, founded_on):
    return {"units": 0, "services": 0, "tasks": 0}
