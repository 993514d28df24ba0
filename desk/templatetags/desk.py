from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from ..charts import duration
from ..history import STATUS_WORDS

register = template.Library()
# A badge's clock (escalation.clock_state's keys) in the reader's words.
CLOCKS = {
    "response": pgettext_lazy("clock", "response"),
    "resolution": pgettext_lazy("clock", "resolution"),
}


@register.simple_tag
def deadline_badge(badge, reference=""):
    """A deadline badge: words and a colour class, the exact time in its title, and a
    `data-deadline` static/desk.js counts down from (never a live region).

    Built in Python, not an included template: a queue draws one per row."""
    if not badge.due:
        # Two bars drawn in CSS: Debian's Chromium has no glyph for U+23F8 and drew a box.
        pause = (
            mark_safe('<span class="pause-icon" aria-hidden="true"></span>')
            if badge.tone == "grey"
            else ""
        )
        return format_html('<span class="{}">{}{}</span>', badge.css, pause, badge.label)
    exact, short = _due_texts(badge.due)
    clock = str(CLOCKS.get(badge.clock, badge.clock or ""))
    reference_attribute = format_html(' data-reference="{}"', reference) if reference else ""
    return format_html(
        '<span class="{}" data-deadline="{}"{} title="{}"><span class="badge-text">{}'
        '</span><span class="visually-hidden"> ({})</span></span>',
        badge.css,
        badge.due_iso,
        reference_attribute,
        capfirst(_("%(clock)s due %(when)s") % {"clock": clock, "when": exact}),
        badge.label,
        _("%(clock)s due %(when)s") % {"clock": clock, "when": short},
    )


def _due_texts(due):
    """The due time as "D j M Y, H:i:s T" and "D j M, H:i T", from one DateFormat: formatting
    both strings through `dateformat.format` parsed them anew for every row of a queue."""
    local = timezone.localtime(due)
    f = dateformat.DateFormat(local)
    # The datetime's own abbreviation: DateFormat.T() is empty in the hour a DST change repeats.
    day, minute, zone = f"{f.D()} {f.j()} {f.M()}", f"{f.H()}:{f.i()}", local.tzname()
    return f"{day} {f.Y()}, {minute}:{f.s()} {zone}", f"{day}, {minute} {zone}"


@register.simple_tag
def queue_rows(rows, presence=None):
    """The queue's rows, (ticket, badge) pairs, as <tr>s built in Python in one pass: through
    the template, ten cells of fifty rows cost more than the queries behind them."""
    if not rows:
        return format_html('<tr><td colspan="10">{}</td></tr>', _("No tickets match."))
    # One reverse() for the page: reversing per row took a quarter of the rows' time.
    head, tail = reverse("desk:ticket", args=[0]).rsplit("/0/", 1)
    link = escape(head) + "/{}/" + escape(tail)
    presence = presence or {}
    words = _row_words()
    return mark_safe(
        "".join(_queue_row(t, badge, link, presence.get(t.pk), words) for t, badge in rows)
    )


_MUTED = '<span class="muted">{}</span>'


def _presence_marker(people):
    """The queue's marker for a ticket others have open: who, and whether they type."""
    if not people:
        return ""
    said = ", ".join(
        escape(
            (_("%(name)s typing") if state == "typing" else _("%(name)s viewing")) % {"name": name}
        )
        for name, state in people
    )
    return f'<br><span class="desk-presence-tag">{said}</span>'


def _row_words():
    """The words every row repeats, looked up once per page in the reader's language."""
    return {
        "unassigned": _("Unassigned"),
        "no team": _("No team"),
        "tier": _("· tier %(tier)s"),
        "level": _("Level %(level)s"),
        "breached": _("SLA breached"),
        "select": _("Select %(ticket)s"),
        "statuses": {key: str(word) for key, word in STATUS_WORDS.items()},
    }


def _queue_row(t, badge, link, people=None, words=None):
    """One <tr>; every value escaped as the template's autoescape would. `link` is the ticket's
    URL with {} for its id; `words` the rows' words (_row_words)."""
    words = words or _row_words()
    reference = escape(t.reference)
    requester = escape(t.requester.get_full_name() or t.requester.get_username())
    priority = escape(t.priority)
    assignee = (
        escape(t.assignee.get_full_name() or t.assignee.get_username())
        if t.assignee
        else _MUTED.format(escape(words["unassigned"]))
    )
    team = (
        f"{escape(t.team.name)} {_MUTED.format(escape(words['tier'] % {'tier': t.team.tier}))}"
        if t.team
        else _MUTED.format(escape(words["no team"]))
    )
    level = (
        escape(words["level"] % {"level": t.escalation_level})
        if t.escalation_level
        else _MUTED.format("—")
    )
    breached = (
        f' <span class="badge badge-red">{escape(words["breached"])}</span>' if t.breached else ""
    )
    row_class = "desk-row is-breached" if t.breached else "desk-row"
    return (
        f'\n    <tr class="{row_class}" data-ticket="{t.pk}">'
        f'\n      <td><input type="checkbox" name="ticket" value="{t.pk}" id="select-{t.pk}"'
        f' form="desk-bulk"><label for="select-{t.pk}" class="visually-hidden">'
        f"{escape(words['select'] % {'ticket': t.reference})}</label></td>"
        f'\n      <td><a href="{link.format(t.pk)}" class="desk-row-link">{reference}</a></td>'
        f"\n      <td>{escape(t.subject)}{_presence_marker(people)}</td>"
        # Right after the subject: what the queue is ordered by, in view on a phone too.
        f"\n      <td>{deadline_badge(badge, t.reference)}{breached}</td>"
        f"\n      <td>{requester}</td>"
        f'\n      <td><span class="priority priority-{priority.lower()}">{priority}</span></td>'
        f"\n      <td>{escape(words['statuses'].get(t.status, t.status))}</td>"
        f"\n      <td>{assignee}</td>"
        f"\n      <td>{team}</td>"
        f"\n      <td>{level}</td>"
        "\n    </tr>"
    )


@register.simple_tag
def quick_select(field):
    """A form field's <select> built in Python: Django's widget renders every <option> through a
    template, which costs more than the queue's rows once a team has dozens of agents."""
    if not hasattr(field.field, "choices"):
        return field.as_widget()
    chosen = "" if field.value() is None else str(field.value())
    options = mark_safe(
        "".join(
            _option(value, label, " selected" if str(value) == chosen else "")
            for value, label in field.field.choices
        )
    )
    return format_html(
        '<select name="{}" id="{}">{}</select>', field.html_name, field.id_for_label, options
    )


@register.simple_tag
def agent_options(agents):
    """<option>s of the people tickets can be assigned to, their name or username."""
    return mark_safe("".join(_option(a.pk, a.get_full_name() or a.get_username()) for a in agents))


def _option(value, label, selected=""):
    # escape() and an f-string: format_html per option cost as much as the options themselves.
    return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'


@register.filter
def dash_duration(seconds):
    """A report's seconds as the desk writes times, or a dash for no figure."""
    return duration(seconds)


@register.filter
def status_word(status):
    """A ticket's status (its value) in the reader's words."""
    return STATUS_WORDS.get(status, status)


@register.filter
def stopped_by(why):
    """What stopped a clock (escalation.clock_state's `why`: "acknowledged" or a status), in
    the reader's words, capitalised."""
    if why == "acknowledged":
        return _("Acknowledged")
    return capfirst(str(STATUS_WORDS.get(why, why or "")))
