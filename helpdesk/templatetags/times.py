"""Times as people read them: `{% when moment %}` is a <time> in the reader's zone (the one
activated for the request), with the exact instant and its zone in the tooltip."""

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

register = template.Library()

SHORT = "D j M, H:i"
EXACT = "D j M Y, H:i:s T (e)"


@register.simple_tag
def when(moment, short=SHORT):
    """<time datetime="ISO" title="exact local time and zone">short local time</time>."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        dateformat.format(local, EXACT),
        dateformat.format(local, short),
    )
