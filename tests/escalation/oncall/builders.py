"""A rotation in one call, for tests."""

from datetime import time

from escalation.models import Rotation, RotationMember


def rotation(team, members, start_date, *, layer=1, zone="UTC", cadence="daily", handoff=time(9)):
    made = Rotation.objects.create(
        team=team,
        name=f"{team.name} layer {layer}",
        layer=layer,
        timezone=zone,
        cadence=cadence,
        handoff_time=handoff,
        start_date=start_date,
    )
    RotationMember.objects.bulk_create(
        RotationMember(rotation=made, user=user, position=i) for i, user in enumerate(members)
    )
    return made
