"""Exit 0 when a service answers: `python -m helpdesk.probe postgres URL` / `redis URL`."""

import sys


def postgres(url):
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, connect_timeout=3):
        return True


def redis(url):
    import redis as redis_lib

    try:
        return redis_lib.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis_lib.RedisError:
        return False


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    try:
        ok = {"postgres": postgres, "redis": redis}[kind](url)
    except Exception as exc:  # any failure to connect means "not available"
        print(f"{kind} unavailable at {url}: {exc}", file=sys.stderr)
        ok = False
    sys.exit(0 if ok else 1)
