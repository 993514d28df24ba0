"""What business-time arithmetic raises when it cannot give an answer."""


class NeverOpens(ValueError):
    """``add`` cannot spend its business time: no hours, or the calendar never opens again."""


class OutOfRange(NeverOpens, OverflowError):
    """The business time would end after ``datetime.max`` (or before ``datetime.min``)."""
