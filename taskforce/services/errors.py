"""Errors raised by the domain services and shown to the user where they typed."""


class DomainError(Exception):
    """A rule refused the operation; ``field`` names the form field it concerns."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class DomainErrors(DomainError):
    """Several refusals found together (a page that checks every field before answering)."""

    def __init__(self, errors):
        super().__init__(" ".join(error.message for error in errors))
        self.errors = list(errors)


class Checks:
    """Run checks, keeping every refusal instead of stopping at the first."""

    def __init__(self):
        self.errors = []

    def run(self, check, *args, default=None):
        """``check(*args)``, or ``default`` when it refuses (the refusal is kept)."""
        try:
            return check(*args)
        except DomainErrors as errors:
            self.errors.extend(errors.errors)
        except DomainError as error:
            self.errors.append(error)
        return default

    def raise_any(self):
        """Raise every refusal kept, as one DomainErrors."""
        if self.errors:
            raise DomainErrors(self.errors)


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass
