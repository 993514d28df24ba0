"""The deadline broker on Redis (see escalation/broker.py), in a module of its own so that a
deployment on the database broker never imports the Redis client (about 5 MB a process)."""

from django_q.brokers.redis_broker import Redis

from .broker import DeadlineMixin


class RedisDeadlineBroker(DeadlineMixin, Redis):
    stock = Redis
    # BLPOP for at most this long, so the firing check runs several times a second.
    BLOCK_SECONDS = 0.1

    def dequeue(self):
        self.release_due()
        # BLPOP takes from the first list that has a task: the firings' list first.
        task = self.connection.blpop([self.firings.list_key, self.list_key], self.BLOCK_SECONDS)
        if task:
            return [(None, task[1])]
        return None
