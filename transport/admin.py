from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_audit import AuditedAdmin
from accounts.admin_delete import WarnsOnDelete
from declarations.normalize import normalize_plate
from transport.forms import VehicleAdminForm
from transport.models import BusCompany, PassengerRemoval, Vehicle


class VehicleInline(admin.TabularInline):
    model = Vehicle
    form = VehicleAdminForm
    fields = ["plate", "seats", "route", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(BusCompany)
class BusCompanyAdmin(WarnsOnDelete, admin.ModelAdmin):
    list_display = ["name", "phone", "address", "vehicle_count"]
    search_fields = ["name", "phone", "address"]
    inlines = [VehicleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vehicle_count=Count("vehicles"))

    @admin.display(description=_("vehicles"), ordering="vehicle_count")
    def vehicle_count(self, company):
        return company.vehicle_count


@admin.register(Vehicle)
class VehicleAdmin(WarnsOnDelete, admin.ModelAdmin):
    """Vehicles, each with its QR poster. The plate is stored as written: ``25B-012.34``."""

    form = VehicleAdminForm
    list_display = ["plate", "company", "route", "seats", "is_active"]
    list_filter = ["is_active", "company"]
    list_select_related = ["company"]
    search_fields = ["plate", "route", "company__name"]
    autocomplete_fields = ["company"]
    readonly_fields = ["company_since", "qr_link", "poster_link"]

    def get_search_results(self, request, queryset, search_term):
        """A plate is found however it is typed (``25b01234`` finds ``25B-012.34``)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        plate = normalize_plate(search_term)
        if plate is not None:
            results |= queryset.filter(plate=plate)
        return results, may_have_duplicates

    @admin.display(description=_("QR link"))
    def qr_link(self, vehicle):
        if vehicle.point_id is None:
            return "—"
        return format_html('<a href="{0}">{0}</a>', vehicle.point.public_path)

    @admin.display(description=_("QR poster"))
    def poster_link(self, vehicle):
        if vehicle.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">PNG</a> · <a href="{}">SVG</a>',
            reverse("transport:poster", args=[vehicle.pk]),
            _("Print the poster"),
            reverse("transport:qr_image", args=[vehicle.pk, "png"]),
            reverse("transport:qr_image", args=[vehicle.pk, "svg"]),
        )


@admin.register(PassengerRemoval)
class PassengerRemovalAdmin(AuditedAdmin, admin.ModelAdmin):
    """Who a crew took off a day's passenger list, and why: kept as the crews left them. It
    names who travelled (or meant to): audited as the admin's pages of people are."""

    list_display = ["day", "vehicle", "person", "reason", "removed_by", "removed_at", "restored_at"]
    list_filter = ["reason", "day"]
    list_select_related = ["vehicle", "person", "removed_by"]
    search_fields = ["vehicle__plate", "person__lookup_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
