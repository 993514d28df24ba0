"""A worker process for the exactly-once race test.

`claim` mode loops claim→fire as the deadline broker does; `direct` mode calls fire() on every
id in a shuffled order, bypassing claims, to race the conditional update itself."""

import random
import sys

import django


def main(mode, seed, ids_arg):
    django.setup()
    from django.db import connection

    from escalation import engine

    if mode == "claim":
        while ids := engine.claim_due(limit=20):
            engine.fire_many(ids)
    else:
        ids = [int(i) for i in ids_arg.split(",")]
        random.Random(int(seed)).shuffle(ids)
        engine.fire_many(ids)
    connection.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
