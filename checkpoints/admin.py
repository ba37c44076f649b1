from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.admin_audit import AuditedAdmin
from accounts.admin_delete import WarnsOnDelete
from checkpoints.models import Checkpoint, Passage
from declarations.admin import ProvinceDistricts
from declarations.posters import admin_poster_cell


@admin.register(Checkpoint)
class CheckpointAdmin(ProvinceDistricts, WarnsOnDelete, admin.ModelAdmin):
    list_display = ["name", "district", "road", "entering_direction", "is_active", "qr_poster"]
    list_filter = ["is_active", ("district", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["district", "point"]
    search_fields = ["name", "road"]
    readonly_fields = ["qr_poster"]

    @admin.display(description=_("QR poster"))
    def qr_poster(self, checkpoint: Checkpoint) -> str:
        return admin_poster_cell(checkpoint, _checkpoint_pages)


def _checkpoint_pages(checkpoint: Checkpoint) -> list[tuple[str, str]]:
    return [
        (reverse("checkpoints:poster", kwargs={"pk": checkpoint.pk}), _("Print the QR poster")),
        (f"{reverse('checkpoints:board')}?chot={checkpoint.pk}", _("Board")),
    ]


@admin.register(Passage)
class PassageAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["at", "person", "checkpoint", "direction", "outcome", "officer"]
    list_filter = ["checkpoint", "direction", "outcome"]
    list_select_related = ["person", "checkpoint", "officer"]
    date_hierarchy = "at"
    raw_id_fields = ["person", "declaration"]

    def has_add_permission(self, request):
        """Passages are recorded at the desk (``checkpoints.services``), by the officer who saw
        the traveller, and audited: the admin made one up with any account as its officer."""
        return False

    def has_change_permission(self, request, obj=None):
        return False
