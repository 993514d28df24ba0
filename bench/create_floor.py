"""The framework's floor for bench/create_load.py: how fast can Django + DRF open anything?

A minimal project in this file: one model (a subject, a description, an owner, a timestamp),
DRF token authentication, a `CreateAPIView` with a `ModelSerializer`, one middleware, SQLite in
WAL mode with the options Tierdesk uses. `POST /api/notes/` inserts one row and answers 201 with
it, through Django's test client as create_load.py's in-process run does (after 20 untimed).
Tierdesk's create does the same plus a ticket's event, clock, firings, due times and receipt,
so this is what any create costs before it does any work of its own. Usage:
    python bench/create_floor.py [--creates 300] [--rounds 3]
Prints the median creates/s and ms per create; saves bench/results/create_floor-<stamp>.json.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"


def configure(db):
    settings.configure(
        SECRET_KEY="floor",
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "rest_framework",
            "rest_framework.authtoken",
        ],
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": db,
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 30,
                },
            }
        },
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        },
    )
    django.setup()


urlpatterns = []


def build():
    """The model, its table, the view and its URL; a user with a token."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, models
    from django.urls import path
    from rest_framework import generics, serializers
    from rest_framework.authtoken.models import Token

    class Note(models.Model):
        subject = models.CharField(max_length=200)
        description = models.TextField()
        owner = models.ForeignKey(User, on_delete=models.CASCADE)
        created = models.DateTimeField(auto_now_add=True)

        class Meta:
            app_label = "floor"

        def __str__(self):
            return self.subject

    class NoteSerializer(serializers.ModelSerializer):
        class Meta:
            model = Note
            fields = ["id", "subject", "description", "created"]

    class CreateNote(generics.CreateAPIView):
        serializer_class = NoteSerializer

        def perform_create(self, serializer):
            serializer.save(owner=self.request.user)

    call_command("migrate", verbosity=0)
    with connection.schema_editor() as editor:
        editor.create_model(Note)
    urlpatterns.append(path("api/notes/", CreateNote.as_view()))
    user = User.objects.create_user("alice", "alice@example.com", "pw")
    return Token.objects.create(user=user).key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        configure(str(Path(folder) / "floor.sqlite3"))
        token = build()
        from django.test import Client

        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        body = json.dumps({"subject": "VPN drops every few minutes", "description": "Since."})

        def post():
            response = client.post("/api/notes/", body, content_type="application/json")
            assert response.status_code == 201, response.content[:300]

        for _ in range(20):
            post()
        rates = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            for _ in range(args.creates):
                post()
            rates.append(args.creates / (time.perf_counter() - started))
    result = {
        "creates": args.creates,
        "rounds": [round(rate, 1) for rate in rates],
        "per_second": statistics.median(rates),
        "ms_per_create": 1000 / statistics.median(rates),
    }
    print(
        f"floor: {result['per_second']:.0f} creates/s in-process "
        f"({result['ms_per_create']:.2f} ms a create; rounds {result['rounds']})"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"create_floor-{stamp}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
