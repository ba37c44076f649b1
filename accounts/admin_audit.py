"""The admin's pages of personal data (people, declarations, passages) are audited as the staff
pages are: a list or a search, a record opened, a record's history (its title names the person,
its entries what was changed). What the records are is kept by the retention
purge and by merging duplicates, so the admin never deletes them."""

from django.contrib.admin.utils import unquote

from accounts.audit import audit
from accounts.models import AuditAction


class AuditedAdmin:
    """Mix into a ``ModelAdmin`` of a model holding personal data; ``person_of`` gives whose."""

    def person_of(self, obj):
        return obj.person

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            action = AuditAction.SEARCH if request.GET.get("q") else AuditAction.VIEW_LIST
            audit(
                request,
                action,
                shown=self._people_listed(response),
                **self._subject(request.GET.urlencode()),
            )
        return response

    def _people_listed(self, response) -> list[str]:
        """The lookup codes of the people the list's page names (its rows, read once: the page
        draws the same rows)."""
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is None:
            return []
        return [self.person_of(obj).lookup_code for obj in changelist.result_list]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id)) if response.status_code == 200 else None
        if obj is not None:
            self._audit_opened(request, obj, object_id)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("object")
        if response.status_code == 200 and obj is not None:
            self._audit_opened(request, obj, f"{object_id}/history/")
        return response

    def _audit_opened(self, request, obj, what: str) -> None:
        audit(request, AuditAction.VIEW_PERSON, person=self.person_of(obj), **self._subject(what))

    def has_delete_permission(self, request, obj=None):
        return False

    def _subject(self, what: str) -> dict:
        return {"subject": f"admin_{self.model._meta.model_name}", "what": what}
