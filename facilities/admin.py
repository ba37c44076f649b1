from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from declarations.posters import admin_poster_cell
from facilities.models import HealthFacility


@admin.register(HealthFacility)
class HealthFacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "qr_poster"]
    list_filter = ["kind", "district"]
    list_select_related = ["district", "point"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["district"]
    fields = ["name", "kind", "district", "address", "departments", "qr_poster"]
    readonly_fields = ["qr_poster"]

    @admin.display(description=_("QR poster"))
    def qr_poster(self, facility: HealthFacility) -> str:
        return admin_poster_cell(facility, _facility_pages)


def _facility_pages(facility: HealthFacility) -> list[tuple[str, str]]:
    return [(reverse("facilities:poster", kwargs={"pk": facility.pk}), _("Print the QR poster"))]
