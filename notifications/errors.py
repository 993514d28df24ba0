"""The one exception a channel raises when a message did not go out."""


class DeliveryError(Exception):
    """A failed send; `temporary` says whether trying again later can succeed."""

    def __init__(self, message, *, temporary):
        super().__init__(message)
        self.temporary = temporary
