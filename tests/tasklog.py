"""What our code asks django-q to run, read back without django-q's package format.

A broker's payload is django-q's own business (a signed, pickled package): tests that want to
know which task a dequeued payload is look it up here instead. Each `async_task` call made by
our modules goes through `TaskLog.async_task`, which calls django-q's and notes the payload
handed to the broker's public `enqueue` beside the function, arguments and id it was given."""

from django_q import brokers, tasks

# The modules of ours that queue tasks, each through its own `async_task` name.
QUEUERS = ("escalation.broker", "notifications.tasks", "escalation.majors.paging")


class TaskLog:
    def __init__(self, monkeypatch):
        self.calls = []
        self._by_payload = {}
        for module in QUEUERS:
            monkeypatch.setattr(f"{module}.async_task", self.async_task)

    def async_task(self, func, *args, **options):
        """django-q's `async_task`, noting what was queued (tests call it for their own tasks)."""
        broker = options.setdefault("broker", brokers.get_broker())
        own = vars(broker).get("enqueue")  # a test's stand-in (a broker that is down) stays
        given = []

        def enqueue(payload):
            given.append(payload)
            return own(payload) if own else type(broker).enqueue(broker, payload)

        broker.enqueue = enqueue
        try:
            task_id = tasks.async_task(func, *args, **options)
        finally:
            if own is None:
                del broker.enqueue
            else:
                broker.enqueue = own
        call = {"id": task_id, "func": func, "args": args, "name": options.get("task_name")}
        self.calls.append(call)
        for payload in given:
            self._by_payload[payload] = call
        return task_id

    def read(self, payload):
        """The call that queued `payload` (KeyError for a payload none of ours queued); Redis
        hands payloads back as bytes."""
        return self._by_payload[payload.decode() if isinstance(payload, bytes) else payload]

    def taken(self, pairs, func=None):
        """The calls behind a broker's dequeued (id, payload) pairs, only `func`'s if given."""
        calls = [self.read(payload) for _, payload in pairs or []]
        return [call for call in calls if func in (None, call["func"])]
