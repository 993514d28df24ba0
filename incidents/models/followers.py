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
        """{ticket id: [user ids]} of the followers of `tickets`; one query."""
        found = {}
        for ticket_id, user_id in self.filter(ticket__in=tickets).values_list("ticket", "user"):
            found.setdefault(ticket_id, []).append(user_id)
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
