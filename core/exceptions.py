"""Errors an action raises; views turn them into messages, the API into responses."""


class ActionError(Exception):
    """A change was refused; the message is meant for the person who tried it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ActionForbidden(ActionError):
    """The acting user does not have the right to make this change."""


class StaleRecord(ActionError):
    """Someone else changed the record since the acting user loaded it."""


class InvalidInput(ActionError):
    """The values given for the change are not acceptable."""
