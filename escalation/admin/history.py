"""History pages of the configuration (django-simple-history), with the rows inside each page:
a policy's levels or targets, a calendar's opening hours and holidays."""

from django.contrib.admin.utils import unquote
from simple_history.admin import SimpleHistoryAdmin

ROWS_SHOWN = 100


class ConfigHistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, from the admin, the API or an import, compared version by
    version; `child_history` adds (model, foreign key, heading) tables for the inline rows."""

    object_history_template = "admin/escalation/object_history.html"
    child_history = ()

    def history_view(self, request, object_id, extra_context=None):
        pk = unquote(object_id)
        children = [
            (
                heading,
                model.history.filter(**{f"{key}_id": pk})
                .select_related("history_user")
                .order_by("-history_date", "-history_id")[:ROWS_SHOWN],
            )
            for model, key, heading in self.child_history
        ]
        context = {**(extra_context or {}), "child_history": children}
        return super().history_view(request, object_id, context)
