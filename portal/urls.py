from django.urls import path

from . import contact_status, guest, major_ack, views

# home, ticket, rate and guest-ticket are linked from the customer emails: keep those names.
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
    path("status/<str:token>/", contact_status.contact_status, name="contact-status"),
    path("major/ack/<str:token>/", major_ack.acknowledge, name="major-ack"),
    path("guest/", guest.guest_new, name="guest"),
    path("guest/<str:token>/", guest.guest_ticket, name="guest-ticket"),
    path("guest/<str:token>/reply/", guest.guest_reply, name="guest-reply"),
    path("guest/<str:token>/reopen/", guest.guest_reopen, name="guest-reopen"),
    path("guest/<str:token>/rate/", guest.guest_rate, name="guest-rate"),
    path("guest/<str:token>/password/", guest.guest_password, name="guest-password"),
    path(
        "guest/<str:token>/attachments/<int:attachment_id>/",
        guest.guest_attachment,
        name="guest-attachment",
    ),
]
