from django.contrib import admin

from reports.models import CheckpointDailyCount, DailyCount


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
