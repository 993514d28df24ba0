"""Who is there: an away person is skipped and their deputy told instead (public API).

The one rule for every notify target (team, leads, assignee, on call, named users) and for
auto-assignment: `reach(user_ids, at)` replaces each person away at `at` by their deputy, and
the deputy's deputy when the deputy is away too, and says who was skipped and who was told
instead. One query, however many people.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from .models.absences import Absence

ONE_US = timedelta(microseconds=1)


@dataclass
class Reach:
    """`told`: the ids to notify, in order, each once; `skipped`: (away id, stand-in id or
    None), in the order asked."""

    told: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


class Away:
    """Everyone away at any of some instants, read in one query; `at(t)` answers for one."""

    def __init__(self, instants):
        instants = sorted(set(instants))
        self.rows = []
        if instants:
            rows = Absence.objects.meeting(instants[0], instants[-1] + ONE_US).order_by("pk")
            self.rows = list(rows.values_list("user_id", "deputy_id", "start", "end"))

    def at(self, instant):
        """{away user id: deputy id or None} at `instant` (the latest absence made wins)."""
        return {user: deputy for user, deputy, start, end in self.rows if start <= instant < end}


def deputies_at(at):
    """{away user id: deputy id or None} for everyone away at `at`."""
    return Away([at]).at(at)


def stand_in(user_id, away):
    """Who answers for `user_id` given `away` ({away id: deputy id}): themselves when present,
    else the first present deputy down the chain, else None."""
    seen = set()
    while user_id in away:
        if user_id in seen:
            return None  # deputies naming each other, all away
        seen.add(user_id)
        user_id = away[user_id]
        if user_id is None:
            return None
    return user_id


def reach(user_ids, at, away=None):
    """Who is told for `user_ids` at `at`; `away`: deputies_at(at) when read already."""
    if away is None:
        away = deputies_at(at) if user_ids else {}
    result, seen = Reach(), set()
    for user_id in user_ids:
        answer = stand_in(user_id, away)
        if answer != user_id:
            result.skipped.append((user_id, answer))
        if answer is not None and answer not in seen:
            seen.add(answer)
            result.told.append(answer)
    return result


def is_away(user_id, at):
    return Absence.objects.covering(at).filter(user_id=user_id).exists()
