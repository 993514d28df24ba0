from django.urls import path

from . import actions, bulk, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/reply/", actions.reply, name="reply"),
    path("tickets/<int:ticket_id>/follow/", actions.follow, name="follow"),
    path("tickets/<int:ticket_id>/presence/", views.here, name="presence"),
    path(
        "tickets/<int:ticket_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("tickets/<int:ticket_id>/<slug:action>/", actions.act, name="act"),
]
