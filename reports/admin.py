from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext

from reports.models import CheckpointDailyCount, DailyCount, Purge


class ReadOnlyAdmin(admin.ModelAdmin):
    """Counts are written only by ``reports.counts``: the admin shows them, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyCount)
class DailyCountAdmin(ReadOnlyAdmin):
    list_display = ["day", "district", "measure", "value"]
    list_filter = ["measure"]
    date_hierarchy = "day"
    list_select_related = ["district"]


@admin.register(CheckpointDailyCount)
class CheckpointDailyCountAdmin(ReadOnlyAdmin):
    list_display = ["day", "checkpoint", "direction", "value"]
    list_filter = ["direction"]
    date_hierarchy = "day"
    list_select_related = ["checkpoint"]


@admin.register(Purge)
class PurgeAdmin(ReadOnlyAdmin):
    """The runs of the retention purge (``manage.py purge_expired``, nightly): the administrator
    sees that it runs, and what it removed, under the retention period in force."""

    list_display = ["ran_at", "first_kept_day", "people", "audit_entries"]
    date_hierarchy = "ran_at"

    def changelist_view(self, request, extra_context=None):
        title = gettext(
            "Retention purges: personal data is kept %(days)s days after a person's last "
            "activity, the audit log %(audit_days)s days"
        ) % {"days": settings.RETENTION_DAYS, "audit_days": settings.AUDIT_RETENTION_DAYS}
        return super().changelist_view(request, {**(extra_context or {}), "title": title})
