"""Writing outbox rows: one per recipient and channel, in the caller's transaction, once per key.

Fan-out costs a constant number of queries whatever the number of recipients: preferences and
roles in one query each, existing keys in one, one bulk insert that returns the new rows' ids.
"""

import hashlib
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext

from dbtools import claims
from dbtools import rows as row_writer

from . import delivery, recipients, rendering, tasks, webhooks
from .models import Notification

KEY_MAX = 255


def row_key(key, kind, target):
    """`<cause>:<kind>:<target>`, hashed down when a long cause would overflow the column."""
    full = f"{key}:{kind}:{target}"
    if len(full) <= KEY_MAX:
        return full
    return f"{full[: KEY_MAX - 66]}#{hashlib.sha256(full.encode()).hexdigest()}"


def new_keys(keys):
    """The keys no row has yet, in their given order."""
    taken = set(
        Notification.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    return [key for key in keys if key not in taken]


def insert(rows, ids_only=False, queue_with=None):
    """Insert `rows` (dicts of values; a row whose key is taken, by an earlier or a concurrent
    writer, is skipped) and queue their delivery (`queue_with(ids)` instead of `queue`: the
    pages of a major incident take a list of their own). Returns the rows written, or only
    their ids, in the order of their ids."""
    ids = sorted(_insert_returning_ids(rows))
    (queue_with or queue)(ids)
    if ids_only or not ids:
        return ids
    return list(Notification.objects.filter(pk__in=ids).order_by("id"))


def _insert_returning_ids(rows):
    if connections[router.db_for_write(Notification)].features.can_return_rows_from_bulk_insert:
        return row_writer.insert(Notification, rows, skip_conflicts=True, returning_ids=True)
    # SQLite before 3.35 has no RETURNING: read the rows back by key, and leave out those that
    # were there before (they were queued when they were written).
    keys = [row["idempotency_key"] for row in rows]
    before = set(Notification.objects.filter(idempotency_key__in=keys).values_list("pk", flat=True))
    row_writer.insert(Notification, rows, skip_conflicts=True)
    after = Notification.objects.filter(idempotency_key__in=keys).values_list("pk", flat=True)
    return [pk for pk in after if pk not in before]


def queue(ids):
    """Leave `ids` to the deadline loop, which hands every due row to the workers about twice a
    second (delivery.claim_due, registered by escalation.apps: notifications never imports it),
    in tasks of CHUNK rows. So the transaction that wrote the rows writes no task row (on
    SQLite a create's task was a fifth of its time under the write lock) and a burst of causes
    costs one task per CHUNK rows, not one per cause; the rows are committed before the loop
    can see them, and a row no loop claims is sent by the minute sweep.

    With synchronous tasks (Q_CLUSTER `sync`: no cluster and no loop) the rows are delivered
    when the transaction commits, as a task would. (A plain function, not a partial: Django
    logs its __qualname__.)"""
    if not ids or not tasks.synchronous():
        return

    def queue_delivery():
        tasks.queue_delivery(ids)

    transaction.on_commit(queue_delivery, using=router.db_for_write(Notification), robust=True)


def queue_at_once(ids):
    """Hand `ids` to the workers with the transaction that wrote them, not at the deadline
    loop's next look (up to half a second later): the rows an escalation level writes, whose
    readers wait on them. They are claimed in that transaction under the token the task
    adopts, as the loop claims what it queues, so the loop never hands them out a second time
    (and takes them back if this process dies holding them). The task is a row of the same
    transaction on the database broker; on Redis it is queued at commit, and when Redis cannot
    take it the claim is let go, so the loop's next look sends them."""
    if not ids or tasks.synchronous():
        return queue(ids)
    token, held = claims.new_token(), Notification.objects.filter(pk__in=ids)
    claims.take(held, token, timezone.now() + delivery.QUEUED_CLAIM)

    def push():
        try:
            tasks.queue_delivery(ids, token)
        except Exception:
            # At commit (Redis): free for the loop; logged by on_commit(robust=True). In the
            # transaction (a task row): it rolls back, the claim with it.
            claims.let_go(held, token, timezone.now())
            raise

    tasks.with_the_rows(push, router.db_for_write(Notification))


@dataclass
class UserNotice:
    """One cause's email notification to a list of users (see notify_many)."""

    kind: str
    ticket: object
    users: list
    key: str
    context: dict | None = None
    firing: object = None
    force: bool = False


def notify_users(
    kind, ticket, users, *, key, context=None, firing=None, force=False, new_cause=False
):
    """Write one email row per eligible user for `kind` and queue their delivery."""
    notice = UserNotice(kind, ticket, list(users), key, context, firing, force)
    return notify_many([notice], new_cause=new_cause)


def notify_many(notices, new_cause=False, ids_only=False, queue_with=None):
    """Write the email rows of many causes at once: the queries do not grow with the number of
    causes or recipients (eligibility per kind, one key check, one insert returning the ids).

    `new_cause`: every key names something this transaction just created (an event), so no
    row has it but when the event is handled again: the key check is skipped and the insert
    skips the duplicate (queued when it was written). `ids_only`: return the new rows' ids,
    not the rows (a burst of escalations needs no more). `queue_with`: as insert's."""
    for notice in notices:
        notice.kind = Notification.Kind(notice.kind).value
    allowed = _eligible_ids(notices)
    wanted = {}
    for notice in notices:
        for user in recipients.dedupe(notice.users):
            if user.pk in allowed[(notice.kind, notice.force)]:
                wanted[row_key(notice.key, notice.kind, f"user:{user.pk}:email")] = (notice, user)
    keys = set(wanted) if new_cause or not wanted else set(new_keys(list(wanted)))
    rows, now = [], timezone.now()
    for notice, users in _group_by_notice(wanted, keys):
        rows.extend(_email_rows(notice, users, now))
    return insert(rows, ids_only=ids_only, queue_with=queue_with)


def _eligible_ids(notices):
    """{(kind, force): ids of the users eligible for it}, one lookup per distinct pair."""
    groups = {}
    for notice in notices:
        groups.setdefault((notice.kind, notice.force), []).extend(notice.users)
    return {
        (kind, force): {u.pk for u in recipients.eligible(kind, users, force=force)}
        for (kind, force), users in groups.items()
    }


def _group_by_notice(wanted, keys):
    grouped = {}
    for row, (notice, user) in wanted.items():
        if row in keys:
            grouped.setdefault(id(notice), (notice, []))[1].append((row, user))
    return grouped.values()


def _email_rows(notice, users, now):
    """The rows of one cause: what the mail will say is frozen now, as data (`payload`: the
    ticket and event as the recipient may see them, and their name); the text and HTML are
    rendered from it by the delivery worker (rendering.render_rows), off the engine's path."""
    kind, ticket = notice.kind, notice.ticket
    customer = kind in Notification.CUSTOMER_KINDS
    info = rendering.public_ticket(ticket) if customer else rendering.agent_ticket(ticket)
    event = rendering.event_info(kind, ticket, notice.context, notice.firing)
    subject = rendering.subject_line(kind, info, event)
    return [
        {
            "idempotency_key": row,
            "channel": Notification.Channel.EMAIL,
            "kind": kind,
            "recipient_id": user.pk,
            "address": user.email.strip(),
            "ticket_id": ticket.pk,
            "cause": notice.key,
            "subject": subject,
            "payload": {"ticket": info, "event": event, "name": rendering.display_name(user)},
            "created_at": now,
            "next_attempt_at": now,
        }
        for row, user in users
    ]


def notify_text(kind, users, *, key, subject, body):
    """Email rows about no ticket (an absence over someone's on-call time), their text
    written now; one per eligible user and key, queued like any other."""
    kind = Notification.Kind(kind).value
    wanted = {
        row_key(key, kind, f"user:{user.pk}:email"): user
        for user in recipients.eligible(kind, users)
    }
    now = timezone.now()
    rows = [
        {
            "idempotency_key": row,
            "channel": Notification.Channel.EMAIL,
            "kind": kind,
            "recipient_id": wanted[row].pk,
            "address": wanted[row].email.strip(),
            "cause": key,
            "subject": subject[:300],
            "body": gettext("Hello %(name)s,") % {"name": rendering.display_name(wanted[row])}
            + f"\n\n{body}\n",
            "created_at": now,
            "next_attempt_at": now,
        }
        for row in new_keys(list(wanted))
    ]
    return insert(rows)


def notify_webhooks(
    kind,
    ticket,
    *,
    key,
    team=None,
    url=None,
    secret=None,
    context=None,
    firing=None,
    queue_with=None,
):
    """Write one webhook row per matching endpoint of the team, plus one for an explicit `url`
    (an escalation level's own webhook), and queue their delivery (`queue_with`: as insert's)."""
    kind = Notification.Kind(kind).value
    team = team or (ticket.team if ticket.team_id else None)
    targets = {
        row_key(key, kind, f"webhook:{hook.pk}"): (hook.url, hook.secret, hook.slack_format)
        for hook in webhooks.matching(kind, team)
    }
    if url:
        targets[row_key(key, kind, f"webhook:url:{webhooks.url_digest(url)}")] = (
            url,
            secret or "",
            False,
        )
    keys = new_keys(list(targets)) if targets else []
    if not keys:
        return []
    event = rendering.event_info(kind, ticket, context, firing)
    ticket_data = webhooks.ticket_payload(ticket, rendering.desk_url(ticket))
    summary = rendering.subject_line(kind, rendering.public_ticket(ticket), event)
    now = timezone.now()
    event["at"] = now.isoformat()
    rows = [
        {
            "idempotency_key": row,
            "channel": Notification.Channel.WEBHOOK,
            "kind": kind,
            "address": targets[row][0],
            "secret": targets[row][1],
            "ticket_id": ticket.pk,
            "cause": key,
            "subject": summary,
            "payload": webhooks.body(kind, ticket_data, event, summary, slack=targets[row][2]),
            "created_at": now,
            "next_attempt_at": now,
        }
        for row in keys
    ]
    return insert(rows, queue_with=queue_with)


def retry_now(queryset):
    """Queue unsent rows again at once (the admin's "retry now"); returns how many."""
    ids = delivery.retry_now(queryset)
    queue(ids)
    return len(ids)
