"""Serializer fields shared by the apps' APIs."""

from rest_framework import serializers

from .. import roles


class IdField(serializers.PrimaryKeyRelatedField):
    """A related object by its integer id. 3.5, "3.5" and true are refused, never rounded to an
    existing object."""

    def to_internal_value(self, data):
        integer = isinstance(data, int) and not isinstance(data, bool)
        if not (integer or (isinstance(data, str) and data.strip().isdigit())):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class AgentField(IdField):
    """A person who works the desk, by id; a customer's id is refused in words."""

    default_error_messages = {
        "does_not_exist": "User {pk_value} is not an active agent or supervisor.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", roles.agents())
        super().__init__(**kwargs)
