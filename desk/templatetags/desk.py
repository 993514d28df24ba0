from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()


@register.simple_tag
def deadline_badge(badge, reference=""):
    """A deadline badge: words and a colour class, the exact time in its title, and a
    `data-deadline` static/desk.js counts down from (never a live region).

    Built in Python, not an included template: a queue draws one per row."""
    if not badge.due:
        pause = mark_safe('<span aria-hidden="true">⏸ </span>') if badge.tone == "grey" else ""
        return format_html('<span class="{}">{}{}</span>', badge.css, pause, badge.label)
    due = timezone.localtime(badge.due)
    reference_attribute = format_html(' data-reference="{}"', reference) if reference else ""
    return format_html(
        '<span class="{}" data-deadline="{}"{} title="{} due {}"><span class="badge-text">{}'
        '</span><span class="visually-hidden"> ({} due {})</span></span>',
        badge.css,
        badge.due_iso,
        reference_attribute,
        capfirst(badge.clock or ""),
        dateformat.format(due, "D j M Y, H:i:s T"),
        badge.label,
        badge.clock or "",
        dateformat.format(due, "D j M, H:i T"),
    )


@register.simple_tag
def quick_select(field):
    """A form field's <select> built in Python: Django's widget renders every <option> through a
    template, which costs more than the queue's rows once a team has dozens of agents."""
    if not hasattr(field.field, "choices"):
        return field.as_widget()
    chosen = "" if field.value() is None else str(field.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == chosen else "", label)
            for value, label in field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}">{}</select>', field.html_name, field.id_for_label, options
    )


@register.simple_tag
def agent_options(agents):
    """<option>s of the people tickets can be assigned to, their name or username."""
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((a.pk, a.get_full_name() or a.get_username()) for a in agents),
    )
