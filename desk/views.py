"""Agent pages: parse, call the domain, render. Visibility is `Ticket.objects.visible_to`,
the same rule the API applies."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format

from escalation import clock_state, ladder
from incidents import permissions, roles, uploads
from incidents.models import Membership, SavedReply, Ticket, assignment, priority_choices
from incidents.models.lifecycle import ALLOWED_STATUS_CHANGES

from . import deadlines, history, on_call, presence, queue, timeline
from .forms import BULK_STATUSES, QueueFilters, problems

PAGE_SIZE = 50


def agent_required(view):
    """Customers are refused the desk (403); anonymous people are sent to sign in."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not roles.is_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def visible_ticket(request, ticket_id, lock=False):
    """The ticket if this agent may see it; 404 otherwise, as the API answers."""
    tickets = Ticket.objects.visible_to(request.user).select_related(
        "requester", "assignee", "team", "team__escalates_to"
    )
    if lock:
        tickets = tickets.select_for_update(of=("self",))
    return get_object_or_404(tickets, pk=ticket_id)


@agent_required
def home(request):
    """The queue, most urgent first."""
    return render_queue(request, request.GET, request.get_full_path())


def render_queue(request, query, here, status=200):
    """The queue as `query` (its filters, view, search and page) narrows it, shown at `here`.
    A refused value is left out and said in a message, with status 400."""
    now = timezone.now()
    teams = queue.team_choices()
    agents = list(queue.desk_agents())
    filters = QueueFilters(query, teams=teams, agents=agents)
    if not filters.is_valid():
        status = 400
        if not request.htmx:
            messages.error(request, problems(filters))
    view, search = filters.cleaned_data.get("view", ""), filters.cleaned_data.get("q", "")
    # The filters on the ticket's own columns first, then what the agent may see: each branch
    # of visible_to finds them on its own index (see visible_to). The search, the urgency and
    # the views on it after: no index serves them, and in every branch they cost more.
    tickets = Ticket.objects.filter(drill=False)  # drills (majors.drills) are never queued
    tickets = queue.column_view(filters.narrow(tickets), view, request.user)
    tickets = queue.search(tickets.visible_to(request.user), search)
    tickets = queue.apply_view(tickets.with_urgency(now), view, request.user, now)
    page = queue.page_of_ids(tickets, filters.cleaned_data.get("page"), PAGE_SIZE)
    rows = [(t, deadlines.badge(t, now)) for t in queue.page_rows(list(page.object_list))]
    people = presence.on_tickets([t.pk for t, _ in rows], request.user)
    if request.htmx:
        # The queue's auto-refresh swaps only the table's rows (static/desk.js asks every 15 s).
        context = {"rows": rows, "presence": people}
        return render(request, "desk/_queue_rows.html", context, status=status)
    views = [(key, label) for key, label in queue.VIEWS.items()]
    views += [(f"team:{t.slug}", t.name) for t in teams]
    query = query.copy()
    query.pop("page", None)
    return render(
        request,
        "desk/queue.html",
        {
            "rows": rows,
            "presence": people,
            "page": page,
            "filters": filters,
            "view": view,
            "views": views,
            "query": query.urlencode(),
            "here": here,
            "agents": agents,
            "bulk_statuses": BULK_STATUSES,
            "at_risk_minutes": deadlines.at_risk_minutes(),
            "urgent_minutes": deadlines.URGENT_MINUTES,
        },
        status=status,
    )


@agent_required
def ticket(request, ticket_id):
    """The workspace: header, thread, composer, actions and the side panel. `?saved=<id>`
    prefills the composer with a saved reply (the composer's Insert without JavaScript)."""
    item = visible_ticket(request, ticket_id)
    saved = request.GET.get("saved", "")
    kept = None
    if saved.isdigit():
        reply = SavedReply.objects.for_team(item.team_id).filter(pk=int(saved)).first()
        kept = {"body": reply.body} if reply else None
    return render_workspace(request, item, kept=kept)


@agent_required
def attachment(request, ticket_id, attachment_id):
    """A file of a ticket this agent may see, through the rule the API and the portal use (never
    a link into MEDIA_ROOT); another's ticket or file is a 404."""
    item = visible_ticket(request, ticket_id)
    found = permissions.visible_attachments(request.user, item.attachments.all())
    return uploads.as_download(get_object_or_404(found, pk=attachment_id))


def render_workspace(request, item, *, kept=None, changed=None, status=200):
    """Render the workspace; after a refused send, `kept` holds what was typed and `changed`
    the events that happened meanwhile."""
    now = timezone.now()
    steps = ladder.ladder(item, now)
    chart = timeline.sla_chart(
        item.created_at, now, timeline.ticket_clocks(item, now), steps.past, steps.upcoming, _when
    )
    replies = item.replies.prefetch_related("attachments")
    show = request.GET.get("show", "all")
    show = show if show in history.FILTERS else "all"
    story = history.story(item, request.user, replies)
    loose = item.attachments.filter(reply__isnull=True)
    members = [m.user for m in item.team.memberships.select_related("user")] if item.team else []
    can_change = permissions.can_change_ticket(request.user, item)
    response, resolution = clock_state.clock_states(item, now)
    context = {
        "ticket": item,
        "story": history.shown(story, show),
        "story_filters": list(history.FILTERS.items()),
        "show": show,
        "loose_attachments": loose,
        "version": timeline.version(item).isoformat(),
        "badge": deadlines.badge(item, now),
        "response_clock": response,
        "resolution_clock": resolution,
        "calendar_zone": deadlines.calendar_zone(item),
        "response_badge": deadlines.clock_badge(response, now),
        "resolution_badge": deadlines.clock_badge(resolution, now),
        "past_steps": steps.past,
        "history_steps": steps.history,
        "upcoming_steps": steps.upcoming,
        "chart": chart,
        "statuses": _status_choices(item),
        "members": members,
        "can_change": can_change,
        "following": item.followers.filter(user=request.user).exists(),
        "others": presence.others(item.pk, request.user),
        "beat_seconds": presence.BEAT_SECONDS,
        "can_take": can_change and any(m.pk == request.user.pk for m in members),
        "can_reply": permissions.can_reply(request.user, item),
        "can_reopen": permissions.can_reopen(request.user, item),
        "refusal": None if can_change else permissions.refusal(request.user, item),
        **(_escalation_choices(item) if can_change and item.is_active else {}),
        "priorities": priority_choices(),
        "kept": kept or {},
        "saved_replies": list(SavedReply.objects.for_team(item.team_id)),
        "on_call": on_call.on_call_panel(item.team, now),
        "auto_assigned": _auto_assignment(item),
        # The active major incidents speaking for this ticket (majors: one query).
        "major_incidents": list(item.major_incidents.active()),
        "changed": _changed_lines(story, changed or []),
        "at_risk_minutes": deadlines.at_risk_minutes(),
        "urgent_minutes": deadlines.URGENT_MINUTES,
    }
    return render(request, "desk/ticket.html", context, status=status)


def _escalation_choices(item):
    """What the escalate form offers: the teams up a tier and across (Ticket.escalation_targets)
    and, by team, the people of those and of the ticket's own team."""
    targets = list(item.escalation_targets())
    tier = item.team.tier if item.team else 0
    teams = ([item.team] if item.team else []) + targets
    people = defaultdict(list)
    memberships = Membership.objects.filter(team__in=teams, user__is_active=True)
    for membership in memberships.select_related("user").order_by("user__username"):
        people[membership.team_id].append(membership.user)
    return {
        "teams_up": [t for t in targets if t.tier > tier],
        "teams_across": [t for t in targets if t.tier == tier],
        "people_by_team": [(t, people[t.pk]) for t in teams if people[t.pk]],
    }


def _changed_lines(story, changed):
    """The story's words (the reader's language) for the events in `changed`: what happened
    while a refused send was being typed."""
    wanted = {(event.kind, event.at) for event in changed}
    return [
        f"{entry.who}: {entry.text}" for entry in story if (entry.kind, entry.at) in wanted
    ] or [timeline.event_text(e) for e in changed]


def _auto_assignment(item):
    """Why the ticket's current assignee was chosen automatically, or ""."""
    if not item.assignee_id:
        return ""
    event = item.events.filter(kind="assigned").order_by("-at", "-pk").first()
    data = event.data if event else {}
    if not data.get("auto"):
        return ""
    facts = data.get("assignment")  # in the reader's language; older events kept words only
    return assignment.words(facts) if facts else data.get("why", "")


def _when(moment):
    return date_format(timezone.localtime(moment), "D j M, H:i")


def _status_choices(item):
    allowed = ALLOWED_STATUS_CHANGES[item.status] - {"resolved", "closed"}
    return [
        (value, history.STATUS_WORDS[value])
        for value, _ in Ticket.Status.choices
        if value in allowed
    ]


@agent_required
def here(request, ticket_id):
    """A workspace's beat (POST, `state`: viewing or typing): who else is on the ticket, as the
    workspace shows it. Polled by htmx; the answer is the list alone."""
    item = visible_ticket(request, ticket_id)
    state = request.POST.get("state", presence.VIEWING)
    if request.method == "POST" and state == "left":
        presence.leave(item.pk, request.user)  # the page was closed (static/presence.js)
    elif request.method == "POST":
        presence.beat(item.pk, request.user, state)
    others = presence.others(item.pk, request.user)
    return render(request, "desk/_presence.html", {"others": others})
