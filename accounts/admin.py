from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.access import scope_missing
from accounts.audit import detail_shown
from accounts.models import AuditEntry, StaffProfile
from accounts.roles import ADMIN_SITE_ROLES, Role, roles_of
from declarations import codes
from declarations.admin import ProvinceDistricts
from declarations.admin_search import CodeSearch
from declarations.normalize import fold_name

# Django names the permissions it makes for each model in English when it makes them ("Can view
# vehicle"), whatever the language: the admin shows these in the site's language instead.
DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """As Django writes a permission ("app | model | name"), in the site's language."""
    model = permission.content_type.model_class()
    if model is None:  # a model since removed
        return str(permission)
    action, _sep, model_name = permission.codename.partition("_")
    if action in DEFAULT_PERMISSIONS and model_name == model._meta.model_name:
        name = DEFAULT_PERMISSIONS[action] % {"model": model._meta.verbose_name}
    else:  # a permission of the project's own, named with gettext_lazy in its Meta
        name = gettext(permission.name)
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {name}"


def staff_named(term: str) -> list[int]:
    """The ids of the accounts whose full name holds the term, accents aside, as people's names
    are searched: "tong thi y" finds Tòng Thị Y. Staff accounts are few (hundreds): their names
    are compared here, not in SQL, which folds no Vietnamese accents."""
    folded = fold_name(term)
    if not folded:
        return []
    names = User.objects.values_list("pk", "first_name", "last_name")
    return [
        pk
        for pk, first, last in names
        if folded in fold_name(f"{first} {last}") or folded in fold_name(f"{last} {first}")
    ]


class PermissionChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return permission_label(obj)


class RoleChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return role_label(obj)


def role_label(group) -> str:
    """A role's group by the role's name in the site's language ("Cán bộ chốt kiểm soát"), not
    its code ("checkpoint_officer"); another group by its own name."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


class RoleFilter(admin.RelatedFieldListFilter):
    """Users by role, each named as ``role_label`` names it."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("role")

    def field_choices(self, field, request, model_admin):
        groups = Group.objects.order_by("name")
        return sorted(((group.pk, role_label(group)) for group in groups), key=lambda c: c[1])


class NamedPermissions:
    """An admin whose permission and role choices are named in the site's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoices
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoices
            # The chooser fits the field's name into its sentences ("Chọn tất cả %s"): Django's
            # Vietnamese name, "Các nhóm", made them say "Chọn các Các nhóm đã đánh dấu".
            kwargs["widget"] = widgets.FilteredSelectMultiple(
                pgettext_lazy("chooser", "groups"), is_stacked=False
            )
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


@admin.register(StaffProfile)
class StaffProfileAdmin(ProvinceDistricts, admin.ModelAdmin):
    list_display = ["user", "checkpoint", "district", "facility", "company", "province_wide"]
    list_select_related = ["user", "checkpoint", "district", "facility", "company"]
    list_filter = [
        "province_wide",
        ("district", admin.RelatedOnlyFieldListFilter),  # a district health centre's staff
        "checkpoint",
        "facility",
        "company",
    ]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(CodeSearch, admin.ModelAdmin):
    """Read-only for everyone, administrators included: the log is evidence."""

    code_field = "person_code"
    list_display = ["at", "username", "action", "display_code", "about", "client_ip"]
    list_filter = ["action", "at"]
    search_fields = ["username", "person_code", "detail", "people_shown", "client_ip"]
    date_hierarchy = "at"
    exclude = ["subject", "detail", "people_shown"]
    readonly_fields = ["about", "codes_shown"]

    def get_search_results(self, request, queryset, search_term):
        """A code, as printed, also finds the pages that listed its person among others (a
        case's contacts): ``CodeSearch`` finds the entries about them. A staff member's name
        finds their entries."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = codes.parse_code(search_term)
        if code is not None:
            results |= queryset.filter(people_shown__contains=code)
        named = staff_named(search_term)  # a staff member's name, with or without accents
        if named:
            results |= queryset.filter(user__in=named)
        return results, may_have_duplicates

    @admin.display(description=_("lookup code"), ordering="person_code")
    def display_code(self, entry):
        return codes.format_code(entry.person_code) if entry.person_code else ""

    @admin.display(description=_("detail"))
    def about(self, entry):
        return detail_shown(entry)

    @admin.display(description=_("people shown"))
    def codes_shown(self, entry):
        return " ".join(codes.format_code(code) for code in entry.people_shown.split())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_site_missing(user) -> list[str]:
    """What the user's roles need of the admin and their account's boxes do not give, in words:
    the transport department and administrators work in the admin ("Staff status"), and
    administrators manage accounts and roles there ("Superuser status"). Without them the
    menu's "Administration" leads to the admin's login page, a dead end."""
    roles, missing = roles_of(user), []
    if roles & ADMIN_SITE_ROLES and not user.is_staff:
        missing.append(
            _("The account %(user)s cannot open the administration until “%(box)s” is ticked.")
            % {"user": user.get_username(), "box": _box(user, "is_staff")}
        )
    if Role.ADMINISTRATOR in roles and not user.is_superuser:
        missing.append(
            _("The account %(user)s cannot manage accounts and roles until “%(box)s” is ticked.")
            % {"user": user.get_username(), "box": _box(user, "is_superuser")}
        )
    return missing


def _box(user, field: str) -> str:
    """A box of the user's page, by its label there."""
    return capfirst(user._meta.get_field(field).verbose_name)


class StaffProfileInline(ProvinceDistricts, admin.StackedInline):
    model = StaffProfile
    can_delete = False


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(NamedPermissions, GroupAdmin):
    """A role (group) and its permissions."""

    list_display = ["name", "role"]

    def get_readonly_fields(self, request, obj=None):
        """A role's group is found by its name (``accounts.roles``): renamed ("Cán bộ chốt" for
        "checkpoint_officer"), or deleted, it would silently take the role from everyone in it.
        Its permissions stay editable."""
        if obj is not None and obj.name in Role.values:
            return [*super().get_readonly_fields(request, obj), "name"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in Role.values:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("role"))
    def role(self, group):
        return role_label(group)


@admin.register(User)
class StaffUserAdmin(NamedPermissions, UserAdmin):
    """Users with their role (group) and their scope on one page."""

    inlines = [StaffProfileInline]

    def save_related(self, request, form, formsets, change):
        """Saved with a role whose scope is missing, the account would see empty pages; with a
        role that works in the admin and its boxes unticked, it could not open it: say so. The
        message starts with words, not the user name: the admin capitalises a message's
        first letter, and user names are case-sensitive."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        for attribute in ("_roles", "_staff_profile", "_kept_access"):  # read again, as saved
            user.__dict__.pop(attribute, None)
        missing = scope_missing(user)
        if missing:
            messages.warning(
                request,
                _(
                    "The account %(user)s will see empty pages until their staff profile "
                    "gives %(missing)s."
                )
                % {"user": user.get_username(), "missing": "; ".join(missing)},
            )
        for warning in admin_site_missing(user):
            messages.warning(request, warning)

    list_display = ["username", "full_name", "roles", "is_active", "last_login"]
    list_filter = [("groups", RoleFilter), "is_active", "is_superuser"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_search_results(self, request, queryset, search_term):
        """A name is found with or without its accents (``staff_named``)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        named = staff_named(search_term)
        if named:
            results |= queryset.filter(pk__in=named)
        return results, may_have_duplicates

    @admin.display(description=_("full name"), ordering="first_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(sorted(role_label(group) for group in user.groups.all()))
