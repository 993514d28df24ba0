"""A drill through a real qcluster and SMTP server: a 3-level policy at 2 s spacing, each
level's [DRILL] mail delivered to its person about 2 s after the last, the delivery times on
the scorecard."""

import pytest

from escalation.majors import drills

from ...processes import output, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_drill_reaches_each_level_on_the_real_clock(
    policy, teams, cast, make_user, smtp_server, cluster
):
    drill = drills.start(policy, teams["desk"], make_user("sue", role="supervisor"), spacing=2)

    arrived = wait_until(lambda: len(smtp_server.messages) >= 3, timeout=15, every=0.05)
    assert arrived, output(cluster)
    subjects = [message["Subject"] for _, message in smtp_server.messages]
    assert all(subject.startswith("[DRILL] ") for subject in subjects), subjects
    on_call = next(p for p in (cast["ana"], cast["ben"]) if p.email in str(smtp_server.messages))
    assert [tos for tos, _ in smtp_server.messages] == [
        [on_call.email],
        [cast["commander"].email],
        [cast["lee"].email],
    ]
    assert wait_until(lambda: all(lv["delivered_at"] for lv in drills.scorecard(drill)), 5)
    card = drills.scorecard(drill)
    for level in card:
        late = (level["delivered_at"] - level["due_at"]).total_seconds()
        assert 0 <= late < 2, (level["level"], late)
