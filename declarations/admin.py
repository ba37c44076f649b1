from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from declarations.models import Commune, Declaration, District, Person, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district"]
    list_select_related = ["district"]
    search_fields = ["code", "name"]


class DeclarationInline(admin.TabularInline):
    model = Declaration
    fields = [
        "submitted_at",
        "travel_date",
        "from_province",
        "to_district",
        "risk_level",
        "made_by",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-submitted_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["display_code", "full_name", "birth_year", "phone", "residence_district"]
    list_select_related = ["residence_district"]
    search_fields = ["lookup_code", "name_folded", "phone", "id_number"]
    readonly_fields = ["lookup_code", "created_at", "updated_at"]
    raw_id_fields = ["residence_province", "residence_district", "residence_commune"]
    inlines = [DeclarationInline]

    @admin.display(description=_("lookup code"), ordering="lookup_code")
    def display_code(self, person):
        return person.display_code


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    """Declarations are immutable: the admin shows them and never edits them."""

    list_display = ["person", "submitted_at", "travel_date", "to_district", "risk_level", "made_by"]
    list_filter = ["risk_level", "made_by", "transport"]
    list_select_related = ["person", "to_district"]
    date_hierarchy = "submitted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
