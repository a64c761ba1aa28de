"""Domain errors. The web layer maps them to HTTP statuses, the CLI to exit codes."""


class ServiceError(Exception):
    """Base class; the message is shown to the user as is."""


class Malformed(ServiceError):
    """The request cannot be parsed at all (HTTP 400)."""


class InvalidInput(ServiceError):
    """The request cannot be carried out as given (HTTP 422, CLI exit 2)."""


class NotFound(ServiceError):
    """No such thing (HTTP 404)."""


class Gone(ServiceError):
    """It existed but is no longer available, e.g. a suspended account (HTTP 410)."""


class Conflict(ServiceError):
    """It already exists or the state forbids the change (HTTP 409)."""
