"""Database plumbing, below every app: what the apps need of the database that is not about
tickets, SLAs or mail.

* `rows`: many rows written in one statement, values adapted as Django adapts them;
* `configuration`: configuration kept per process under a stamp that database triggers replace;
* `aggregates`: related rows as JSON columns (one query for a policy and its levels);
* `migration_tools`: migration operations Django lacks (an index dropped where it stands);
* `sqlite3`: the embedded default's database backend (statement cache, writer lock).

It imports none of the project's apps (import-linter: "dbtools is plumbing")."""
