"""What an outbox email says: rendered the way the delivery worker renders it before sending."""

from notifications.rendering import render_rows


def rendered(row):
    return render_rows([row])[0]
