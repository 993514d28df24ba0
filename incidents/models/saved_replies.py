from django.db import models
from django.db.models import Q

from .teams import Team


class SavedReplyQuerySet(models.QuerySet):
    def for_team(self, team_id):
        """The replies offered on a ticket of `team_id`: that team's and those for all teams."""
        return self.filter(Q(team__isnull=True) | Q(team_id=team_id)).order_by("title", "pk")


class SavedReply(models.Model):
    """A canned answer agents insert into the composer; a supervisor keeps them per team."""

    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_replies",
        help_text="Empty: offered to every team.",
    )
    title = models.CharField(max_length=100)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "saved replies"

    def __str__(self):
        return self.title
