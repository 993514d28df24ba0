"""Agents who follow a ticket: they hear of its public changes wherever it goes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .tickets import Ticket


class FollowerQuerySet(models.QuerySet):
    def follow(self, ticket, user):
        """`user` follows `ticket` (again, harmlessly)."""
        self.get_or_create(ticket=ticket, user=user)

    def unfollow(self, ticket, user):
        self.filter(ticket=ticket, user=user).delete()

    def of(self, tickets):
        """{ticket id: [user ids]} of the followers of `tickets` who may still see them: a
        follower who has since left the ticket's teams (or was its assignee no more, or was
        made inactive) keeps the row but hears nothing of a ticket they can no longer open.
        One query, plus a visibility check per distinct follower (Ticket.objects.visible_to,
        the one rule): a change has a handful of followers."""
        rows = self.filter(ticket__in=tickets, user__is_active=True).select_related("user")
        following = {}
        for row in rows:
            following.setdefault(row.user, set()).add(row.ticket_id)
        found = {}
        for user, ids in following.items():
            seen = Ticket.objects.filter(pk__in=ids).visible_to(user).values_list("pk", flat=True)
            for ticket_id in sorted(set(seen)):
                found.setdefault(ticket_id, []).append(user.pk)
        return found


class Follower(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed"
    )
    since = models.DateTimeField(default=timezone.now)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="follower_unique"),
        ]
        indexes = [models.Index(fields=["user", "ticket"], name="follower_user_idx")]

    def __str__(self):
        return f"{self.user} follows {self.ticket_id}"
