"""The link in a major incident page: shows what is asked and acknowledges on a button
(a mail scanner that follows the link acknowledges nothing). No login: contacts have none."""

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from escalation.majors import links
from escalation.majors.lifecycle import IncidentError
from escalation.majors.models import Party


@require_http_methods(["GET", "POST"])
def acknowledge(request, token):
    found = links.read(token)
    party = None
    if found is not None:
        party_id, user_id = found
        party = Party.objects.filter(pk=party_id).select_related("incident", "contact").first()
    if party is None:
        return render(request, "portal/guest_link_invalid.html", status=404)
    incident, error = party.incident, ""
    if request.method == "POST" and not party.acknowledged_at:
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        name = "" if user else party.contact.name if party.contact_id else ""
        try:
            incident.acknowledge(user, party=party, name=name)
        except IncidentError as problem:
            error = str(problem)
        party.refresh_from_db()
    response = render(
        request,
        "portal/major_ack.html",
        # Public content only: the link needs no sign-in (MajorIncident.public_view).
        {
            "party": party,
            "incident": incident,
            "public": incident.public_view(),
            "token": token,
            "error": error,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    # Not "no-referrer": with it Chromium sends the button's POST with `Origin: null`, which
    # Django's CSRF check refuses (403), so a contact could never acknowledge. "same-origin"
    # still keeps the token out of any other site's logs.
    response["Referrer-Policy"] = "same-origin"
    return response
