"""Team names and tiers for report rows."""

from incidents.models import Team


def teams_in_order(ids):
    """{id: (name, tier)} of the teams, in tier and name order (a dict keeps it)."""
    ids = {pk for pk in ids if pk is not None}
    found = Team.objects.filter(pk__in=ids).order_by("tier", "name")
    return {pk: (name, tier) for pk, name, tier in found.values_list("pk", "name", "tier")}
