from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="home"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
]
