"""SQLite backend whose write transactions queue on an OS file lock (see base.py)."""
