from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
        if facility.point_id is None:
            return _("Made when the facility is saved.")
        return format_html(
            '<a href="{}">{}</a> · <code>{}</code>',
            reverse("facilities:poster", kwargs={"pk": facility.pk}),
            _("Print the QR poster"),
            facility.point.public_path,
        )
