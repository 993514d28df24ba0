from django.urls import path

from . import views

# home, ticket and rate are linked from the customer emails: keep those names.
app_name = "portal"
urlpatterns = [
    path("", views.my_tickets, name="home"),
    path("new/", views.new_ticket, name="new"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/reply/", views.reply, name="reply"),
    path("tickets/<int:ticket_id>/solved/", views.mark_solved, name="solved"),
    path("tickets/<int:ticket_id>/reopen/", views.reopen, name="reopen"),
    path("tickets/<int:ticket_id>/rate/", views.rate, name="rate"),
    path(
        "tickets/<int:ticket_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
