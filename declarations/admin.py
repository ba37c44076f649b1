from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_audit import AuditedAdmin
from declarations import codes
from declarations.admin_search import CodeSearch
from declarations.models import Commune, Declaration, District, MergedCode, Person, Province
from declarations.normalize import fold_name, normalize_phone
from declarations.places import served_province_code
from declarations.risk import Exposure, Symptom
from declarations.templatetags.risk import reason_labels


class ProvinceDistricts:
    """A district chosen in the admin (a staff profile's, a checkpoint's, a health facility's) is
    one of the served province's: health staff scoped to a district elsewhere would see nothing,
    a checkpoint's passages would be counted outside the report's districts, and Viet Nam has
    districts of the same name (two "Huyện Tam Nông"). A short select of the province's
    districts, by name; any other refused."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            districts = District.objects.filter(province_id=served_province_code())
            kwargs["queryset"] = districts.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
class PersonAdmin(CodeSearch, AuditedAdmin, admin.ModelAdmin):
    """People's identity and contact fields; their current risk is computed from their
    declarations, flags and cases (``declarations.services.people_risk_recompute``) and changes
    only through the health staff's follow-up, so the admin shows it and never edits it."""

    list_display = ["display_code", "full_name", "birth_year", "phone", "residence_district"]
    list_select_related = ["residence_district"]
    search_fields = ["lookup_code", "name_folded", "phone", "id_number"]
    readonly_fields = [
        "lookup_code",
        "created_at",
        "updated_at",
        "risk_level",
        "risk_cleared_at",
    ]
    raw_id_fields = ["residence_province", "residence_district", "residence_commune"]
    inlines = [DeclarationInline]

    def person_of(self, obj):
        return obj

    def has_add_permission(self, request):
        """A person comes with their first declaration (``declaration_submit``), which gives
        them their lookup code: made here, without one, they failed the code's check (a 500)."""
        return False

    def get_search_results(self, request, queryset, search_term):
        """Names are searched folded, as stored (``Nguyễn Thị Xuân`` finds ``nguyen thi xuan``),
        a phone number in any written form, a code as the site prints it (``CodeSearch``); a
        code or a phone of a duplicate merged into a person finds that person, as at the desk."""
        results, may_have_duplicates = super().get_search_results(
            request, queryset, fold_name(search_term)
        )
        phone = normalize_phone(search_term)
        if phone is not None:
            results |= queryset.with_phone(phone)
        code = codes.parse_code(search_term)
        if code is not None:
            merged = MergedCode.objects.filter(code=code).values("person_id")
            results |= queryset.filter(pk__in=merged)
        return results, may_have_duplicates

    @admin.display(description=_("lookup code"), ordering="lookup_code")
    def display_code(self, person):
        return person.display_code


@admin.register(Declaration)
class DeclarationAdmin(AuditedAdmin, admin.ModelAdmin):
    """Declarations are immutable: the admin shows them and never edits them."""

    list_display = ["person", "submitted_at", "travel_date", "to_district", "risk_level", "made_by"]
    list_filter = ["risk_level", "made_by", "transport"]
    list_select_related = ["person", "to_district"]
    date_hierarchy = "submitted_at"

    # The health answers and the risk's reasons in words, where the fields hold codes.
    SHOWN_IN_WORDS = {
        "symptoms": "symptoms_shown",
        "exposures": "exposures_shown",
        "risk_reasons": "risk_reasons_shown",
    }
    readonly_fields = list(SHOWN_IN_WORDS.values())

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        shown = [self.SHOWN_IN_WORDS.get(name, name) for name in fields]
        return list(dict.fromkeys(shown))  # the words where the codes were, once each

    @admin.display(description=_("symptoms"))
    def symptoms_shown(self, declaration):
        labels = dict(Symptom.choices)
        return ", ".join(str(labels.get(code, code)) for code in declaration.symptoms) or "—"

    @admin.display(description=_("exposure"))
    def exposures_shown(self, declaration):
        labels = dict(Exposure.choices)
        return ", ".join(str(labels.get(code, code)) for code in declaration.exposures) or "—"

    @admin.display(description=_("risk reasons"))
    def risk_reasons_shown(self, declaration):
        return "; ".join(reason_labels(declaration)) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
