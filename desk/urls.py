from django.urls import path

from . import actions, availability, bulk, dashboard, drills, feed, forecast, majors, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("drills/", drills.drill_list, name="drills"),
    path("drills/<int:drill_id>/", drills.drill, name="drill"),
    path("drills/ack/<int:ticket_id>/", drills.acknowledge, name="drill-ack"),
    path("major/", majors.incidents, name="majors"),
    path("major/new/", majors.declare, name="major-declare"),
    path("major/link/", majors.link_selected, name="major-link-selected"),
    path("major/<int:incident_id>/", majors.incident, name="major"),
    path("major/<int:incident_id>/board/", majors.board_part, name="major-board"),
    path("major/<int:incident_id>/<slug:action>/", majors.act, name="major-act"),
    path("me/", availability.availability, name="availability"),
    path("forecast/", forecast.forecast, name="forecast"),
    path("me/feed/", availability.renew_feed, name="renew-feed"),
    path("me/cover/", availability.ask_cover, name="ask-cover"),
    path(
        "me/cover/<int:request_id>/<slug:answer>/",
        availability.answer_cover,
        name="answer-cover",
    ),
    path("on-call/<str:token>.ics", feed.feed, name="on-call-feed"),
    path(
        "me/absences/<int:absence_id>/cancel/",
        availability.cancel_absence,
        name="cancel-absence",
    ),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
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
