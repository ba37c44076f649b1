from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _

from declarations.models import EpidemicZone
from declarations.places import place_tree
from declarations.services import zones_changed
from tracing.forms_risk import ZonePlaceFields
from tracing.zones import risk_reevaluate


class ZoneAdminForm(ZonePlaceFields, forms.ModelForm):
    """The zone's place chosen by name as on /y-te/vung-dich/ (``ZonePlaceFields``), not typed
    as a GSO code; the dates are checked by the model (``EpidemicZone.clean``)."""

    LEVELS = ("province", "district", "commune")

    class Meta:
        model = EpidemicZone
        fields = ["starts_on", "ends_on", "note"]

    class Media:
        js = [forms.Script("js/site.js", defer=True)]  # the chained place selects

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.place_code and not self.is_bound:
            levels = _place_and_parents(self.instance.place_code)
            self.initial.update(zip(self.LEVELS, levels, strict=False))
        self.set_place_choices()

    def clean(self):
        cleaned = super().clean()
        self.check_places_nested(cleaned)
        self.instance.place_code = self.place_code
        return cleaned


def _place_and_parents(code: str) -> list[str]:
    """The codes from the province down to the place: ``["01", "001", "00001"]``."""
    tree, codes = place_tree(), []
    place = tree.get(code)
    while place is not None:
        codes.insert(0, place.code)
        place = tree.get(place.parent_code) if place.parent_code else None
    return codes


@admin.register(EpidemicZone)
class EpidemicZoneAdmin(admin.ModelAdmin):
    """Zones edited here re-evaluate recent risks as they do on /y-te/vung-dich/."""

    form = ZoneAdminForm
    fields = ["province", "district", "commune", "starts_on", "ends_on", "note"]
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
