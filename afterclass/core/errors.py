"""Domain errors that pages and the API turn into the right status and a readable message."""


class AfterclassError(Exception):
    """Base of the errors an action raises; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(AfterclassError):
    """The request is well-formed but its content breaks a rule (400)."""

    status = 400


class NotAllowed(AfterclassError):
    """The person can see the thing but may not do this to it (403)."""

    status = 403


class NotFound(AfterclassError):
    """The thing does not exist, or the person may not know it exists (404)."""

    status = 404


class Conflict(AfterclassError):
    """The change clashes with the current state, e.g. a slug that is taken (409)."""

    status = 409
