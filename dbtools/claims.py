"""Who holds a claim, and whether it still can: the rule shared by every row a worker claims
(escalation firings, outbox rows, major-incident parties).

A claim names its holder process, `host:pid:start:scope`. A process of the same machine (the
deadline loop of every qcluster, escalation/broker.py) sees at once that the holder is gone and
hands its rows out again, within a second or two instead of at the end of the claim's lease
(docs/operations.md, "When a worker dies"). `start` is the process's start time (clock ticks
since boot, /proc/<pid>/stat), so a pid the kernel gave to another process since does not pass
for the holder; `scope` is a digest of the boot id and the pid namespace, so only a process that
sees the same pids judges a holder. A holder of another machine, container or boot is never
judged here: its claims keep their lease. Judging wrongly "alive" only delays to the lease;
exactly once rests on the rows' conditional updates, never on the claim.

A claim made by the deadline loop (the pusher) is adopted by the worker that runs its task, in
one conditional update on the loop's token (`adopt`), so the claim names the process that is
doing the work."""

import hashlib
import os
import socket
import time
import uuid
from pathlib import Path

from django.db.models import Q

PROC = Path("/proc")
# How often the holders of a kind of claims are looked at: one query over the claimed rows and a
# read of /proc per distinct holder, at most once a second, whatever the deadline loop's pace.
CHECK_EVERY = 1.0
# The fields a claim clears when it ends (its row done, handed back, or given up).
RELEASED = {"claimed_by": "", "claimed_holder": "", "claimed_until": None}


def new_token():
    return uuid.uuid4().hex


def process_stat(pid, proc=PROC):
    """(state, start time in ticks) of process `pid`, or None when there is none."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except (OSError, ValueError):
        return None
    # The command name (in parentheses) may hold spaces and parentheses: read after the last.
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], fields[19]


def scope(proc=PROC):
    """This machine's boot and pid namespace, as a short digest ("" without /proc)."""
    try:
        boot = (proc / "sys/kernel/random/boot_id").read_text().strip()
        pids = os.readlink(proc / "self/ns/pid")
    except OSError:
        return ""
    return hashlib.sha256(f"{boot} {pids}".encode()).hexdigest()[:12]


_mine = {}


def holder():
    """This process as a claim's holder, `host:pid:start:scope` (worked out once per process:
    a forked worker has its own)."""
    pid = os.getpid()
    if pid not in _mine:
        _mine.clear()
        stat = process_stat(pid)
        start = stat[1] if stat else ""
        _mine[pid] = f"{socket.gethostname()[:60]}:{pid}:{start}:{scope()}"
    return _mine[pid]


def my_scope():
    return holder().rsplit(":", 1)[1]


def alive(name, here=None, stat=process_stat):
    """Whether the holder `name` may still be at work: False only for a process of this
    machine's boot and pid namespace that is gone, a zombie, or whose pid now names another
    process (its start time differs)."""
    try:
        _host, pid, start, where = name.rsplit(":", 3)
        pid = int(pid)
    except ValueError:
        return True  # not a holder this rule can judge: the lease decides
    here = my_scope() if here is None else here
    if not where or not start or where != here:
        return True
    found = stat(pid)
    return found is not None and found[0] not in ("Z", "X") and found[1] == start


class Watch:
    """The dead holders of each kind of claims, looked up at most every `every` seconds (the
    deadline loop asks ten times a second)."""

    def __init__(self, every=CHECK_EVERY, clock=time.monotonic, judge=alive):
        self.every, self.clock, self.judge = every, clock, judge
        self.forget()

    def forget(self):
        self._next, self._dead = {}, {}

    def dead(self, kind, holders):
        """The dead among the holder names `holders()` returns (called, and its query run,
        only when the last look at `kind` is `every` seconds old)."""
        now = self.clock()
        if now >= self._next.get(kind, 0.0):
            self._next[kind] = now + self.every
            self._dead[kind] = frozenset(h for h in set(holders()) if h and not self.judge(h))
        return self._dead[kind]


watch = Watch()


def free(now, dead=()):
    """Q of the rows whose claim another process may take: no claim, a claim whose lease ran out
    by `now`, or one held by a dead holder."""
    condition = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return condition | Q(claimed_holder__in=sorted(dead)) if dead else condition


def holders_of(queryset):
    """The distinct holders of the claims in `queryset` (one query; no ordering, which would
    make DISTINCT count rows rather than holders)."""
    held = queryset.order_by().exclude(claimed_holder="")
    return held.values_list("claimed_holder", flat=True).distinct()


def take(queryset, token, until, **changes):
    """Claim the rows of `queryset` (its conditions say they are free, and are checked again by
    this one update) under `token`, as this process, until `until`; returns the rows held."""
    queryset.update(claimed_by=token, claimed_holder=holder(), claimed_until=until, **changes)
    return queryset.model.objects.filter(claimed_by=token)


def adopt(queryset, token, **changes):
    """The rows of `queryset` claimed with `token` by whoever queued this task, taken over by
    this process in one conditional update and returned (as a queryset). A row claimed by
    another since (its releaser was judged dead, or its lease ran out) no longer carries `token`
    and is left out. Without a token (a task queued by the release before) all of them."""
    if not token:
        return queryset
    mine = new_token()
    queryset.filter(claimed_by=token).update(claimed_by=mine, claimed_holder=holder(), **changes)
    return queryset.filter(claimed_by=mine)


def let_go(queryset, token, now):
    """End the claims made with `token` at `now`: free for the next claim (their task could not
    be queued)."""
    return queryset.filter(claimed_by=token).update(claimed_until=now)
