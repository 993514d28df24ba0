from django import template

from .. import status

register = template.Library()


@register.filter
def customer_status(value):
    """A ticket status in the customer's words."""
    return status.words(value)
