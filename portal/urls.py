from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.my_tickets, name="home"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/rate/", views.rate, name="rate"),
]
