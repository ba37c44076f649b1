from django.contrib import admin, messages
from django.utils.translation import gettext as _

from declarations.models import EpidemicZone
from declarations.services import zones_changed
from tracing.zones import risk_reevaluate


@admin.register(EpidemicZone)
class EpidemicZoneAdmin(admin.ModelAdmin):
    """Zones edited here re-evaluate recent risks as they do on /y-te/vung-dich/."""

    list_display = ["place_name", "place_code", "starts_on", "ends_on"]
    search_fields = ["place_name", "place_code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._reevaluate(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._reevaluate(request)

    def delete_queryset(self, request, queryset):
        """The list's action "Delete selected epidemic zones" re-evaluates like a single delete."""
        super().delete_queryset(request, queryset)
        self._reevaluate(request)

    def _reevaluate(self, request):
        zones_changed()
        result = risk_reevaluate()
        message = _(
            "Risk re-evaluated for the last 14 days: %(changed)s declarations and %(people)s "
            "people changed."
        ) % {"changed": result.changed, "people": result.people_changed}
        messages.info(request, message)
