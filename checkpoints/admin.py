from django.contrib import admin

from accounts.admin_audit import AuditedAdmin
from checkpoints.models import Checkpoint, Passage


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "road", "entering_direction", "is_active"]
    list_filter = ["is_active", "district"]
    list_select_related = ["district"]
    search_fields = ["name", "road"]
    autocomplete_fields = ["district"]


@admin.register(Passage)
class PassageAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["at", "person", "checkpoint", "direction", "outcome", "officer"]
    list_filter = ["checkpoint", "direction", "outcome"]
    list_select_related = ["person", "checkpoint", "officer"]
    date_hierarchy = "at"
    raw_id_fields = ["person", "declaration"]

    def has_change_permission(self, request, obj=None):
        return False
