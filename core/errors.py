"""One error hierarchy for the whole project.

Each error carries an HTTP status, a stable machine code and a message meant for the user.
The CLI prints ``partnerstwa: error: <where>: <message>`` and exits non-zero; the web app
renders the same error as JSON problem details or HTML. Neither shows a stack trace.
"""

from __future__ import annotations


class PartnerstwaError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, where: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.details = details or {}

    def one_line(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InvalidInput(PartnerstwaError):
    """The user's input (a file, a parameter) cannot be used as it is."""

    status = 422
    code = "invalid_input"


class BadRequest(PartnerstwaError):
    status = 400
    code = "bad_request"


class NotFound(PartnerstwaError):
    status = 404
    code = "not_found"


class Conflict(PartnerstwaError):
    status = 409
    code = "conflict"


class DatabaseUnavailable(PartnerstwaError):
    status = 503
    code = "database_unavailable"
