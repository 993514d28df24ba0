from django import template

register = template.Library()


@register.inclusion_tag("desk/badge.html")
def deadline_badge(badge, reference=""):
    """A deadline badge: words and a colour class, the exact time in its title, and a
    `data-deadline` static/desk.js counts down from (never a live region)."""
    return {"badge": badge, "reference": reference}
