"""Errors raised by the domain services and shown to the user where they typed."""


class DomainError(Exception):
    """A rule refused the operation; ``field`` names the form field it concerns."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass
