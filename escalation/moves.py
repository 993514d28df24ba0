"""What a move of a ticket (a new team, a new priority) is called on its escalation ladder."""


def move_reason(kind, ticket, data):
    """Why a ticket's terms are frozen again, in words for its ladder; "" when it did not move
    (a new ticket: its levels due at once fire, nothing is passed over)."""
    if kind == "team_changed":
        team = ticket.team.name if ticket.team else "no team"
        if (data or {}).get("escalation"):
            return f"the ticket was escalated to {team}"
        return f"the ticket moved to {team}"
    if kind == "priority_changed":
        return f"the priority changed to {ticket.priority}"
    return ""
