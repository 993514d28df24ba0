"""The agent queue: which tickets, in what order, narrowed by a view, filters and a search."""

from django.db.models import Q, Subquery
from django.utils.translation import pgettext_lazy

from incidents import roles
from incidents.models import Follower, Team, Ticket
from incidents.paging import HeadFirstPaginator

from . import deadlines

VIEWS = {
    "": pgettext_lazy("queue view", "All open"),
    "mine": pgettext_lazy("queue view", "Mine"),
    "unassigned": pgettext_lazy("queue view", "Unassigned"),
    "at_risk": pgettext_lazy("queue view", "At risk"),
    "breached": pgettext_lazy("queue view", "Breached"),
    "following": pgettext_lazy("queue view", "Following"),
}


def page_of_ids(tickets, number, per_page):
    """A page of the queue's ticket ids. The first count cap + 1 are read in one query and
    counted in Python: a COUNT read every matching row a second time, and a search has to read
    each row to match its text. A page among them is taken from them; past them,
    CappedPaginator reads the page by its offset."""
    return HeadFirstPaginator(tickets.values_list("pk", flat=True), per_page).get_page(number)


def page_rows(ids):
    """The tickets of a page of ids, in that order, with what a row shows. The queue's order is
    asked for ids alone, which the (team, status, …) index answers without reading the thousands
    of rows it sorts; only the page's rows are read, by primary key."""
    tickets = Ticket.objects.select_related("requester", "assignee", "team").order_by().in_bulk(ids)
    return [tickets[pk] for pk in ids if pk in tickets]


def column_view(tickets, view, user):
    """Narrow by a saved view on the ticket's own columns (mine, unassigned) or on who follows
    it (following); apply_view does the others."""
    if view == "mine":
        return tickets.filter(assignee=user)
    if view == "unassigned":
        return tickets.filter(assignee__isnull=True)
    if view == "following":
        return tickets.filter(pk__in=Follower.objects.filter(user=user).values("ticket"))
    return tickets


def apply_view(tickets, view, user, now):
    """Narrow by a saved view on the urgency or the team: at_risk, breached or team:<slug>
    (Ticket.objects.with_urgency's annotations first; column_view did mine and unassigned)."""
    if view == "at_risk":
        return tickets.filter(
            queue_rank=1, next_due__gte=now, next_due__lt=deadlines.at_risk_horizon(now)
        )
    if view == "breached":
        return tickets.filter(queue_rank=0)
    if view.startswith("team:"):
        # The team's id as a scalar subquery, not a join: PostgreSQL then ANDs it into each
        # branch of visible_to's BitmapOr on the (team, status, …) index; with the join it
        # intersected them with all 166k of the team's tickets (1M) from the team_id index.
        team = Team.objects.filter(slug=view.removeprefix("team:")).order_by().values("pk")
        return tickets.filter(team_id=Subquery(team))
    return tickets


def search(tickets, text):
    text = text.strip()
    if not text:
        return tickets
    match = (
        Q(reference__iexact=text)
        | Q(subject__icontains=text)
        | Q(requester__username__icontains=text)
        | Q(requester__email__icontains=text)
        | Q(requester__first_name__icontains=text)
        | Q(requester__last_name__icontains=text)
    )
    if text.isdigit():
        match |= Q(pk=int(text))
    return tickets.filter(match)


def desk_agents():
    """People tickets can be assigned to: agents and supervisors."""
    return roles.agents().order_by("username")


def team_choices():
    return list(Team.objects.order_by("tier", "name"))
