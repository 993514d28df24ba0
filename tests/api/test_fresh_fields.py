"""Input serializers whose fields are made anew from shared arguments (FreshFields) validate
exactly as DRF's deep-copied ones do, and share no field between two serializers."""

import pytest
from rest_framework import serializers

from incidents.api import serializers as s

pytestmark = pytest.mark.django_db

FRESH = [s.TicketCreateSerializer, s.TicketUpdateSerializer, s.EscalateSerializer]
INPUTS = [
    {},
    {"subject": "VPN", "description": "Drops", "impact": "high", "urgency": "low"},
    {"subject": "x" * 201, "description": "", "impact": "huge"},
    {"subject": "VPN", "description": "Drops", "team": 3.5, "requester": "7"},
    {"status": "open", "priority": "P9", "assignee": None, "team": "abc"},
    {"reason": "Needs tier 2", "team": None},
    {"reason": "", "team": 999999},
]


def deep_copied(serializer_class):
    """The same serializer with DRF's own get_fields."""
    return type("DeepCopied", (serializers.Serializer,), dict(serializer_class._declared_fields))


@pytest.mark.parametrize("serializer_class", FRESH, ids=lambda c: c.__name__)
@pytest.mark.parametrize("data", INPUTS)
def test_validation_is_drfs(serializer_class, data):
    ours, theirs = serializer_class(data=data), deep_copied(serializer_class)(data=data)
    assert ours.is_valid() == theirs.is_valid()
    assert ours.errors == theirs.errors
    if ours.is_valid():
        assert dict(ours.validated_data) == dict(theirs.validated_data)


def test_a_related_id_still_finds_its_object_and_no_field_is_shared(teams):
    first = s.EscalateSerializer(data={"reason": "Tier 2", "team": teams["apps"].pk})
    second = s.EscalateSerializer(data={"reason": "Tier 2", "team": teams["desk"].pk})
    assert first.is_valid() and second.is_valid()
    assert (first.validated_data["team"], second.validated_data["team"]) == (
        teams["apps"],
        teams["desk"],
    )
    assert first.fields["team"] is not second.fields["team"]
    assert first.fields["team"].parent is first and second.fields["team"].parent is second
    declared = s.EscalateSerializer._declared_fields["team"].queryset
    assert declared._result_cache is None  # never evaluated, so never stale
