from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.admin_delete import WarnsOnDelete
from declarations.admin import ProvinceDistricts
from declarations.posters import admin_poster_cell
from facilities.models import HealthFacility


@admin.register(HealthFacility)
class HealthFacilityAdmin(ProvinceDistricts, WarnsOnDelete, admin.ModelAdmin):
    """Facilities with their QR poster; one is retired by unticking "in service", which keeps
    its visitors and its staff's scope, rather than deleted."""

    list_display = ["name", "kind", "district", "is_active", "qr_poster"]
    list_filter = ["is_active", "kind", ("district", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["district", "point"]
    search_fields = ["name", "address"]
    fields = ["name", "kind", "district", "address", "departments", "is_active", "qr_poster"]
    readonly_fields = ["qr_poster"]

    @admin.display(description=_("QR poster"))
    def qr_poster(self, facility: HealthFacility) -> str:
        return admin_poster_cell(facility, _facility_pages)


def _facility_pages(facility: HealthFacility) -> list[tuple[str, str]]:
    return [(reverse("facilities:poster", kwargs={"pk": facility.pk}), _("Print the QR poster"))]
