import axes.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and audit")

    def ready(self):
        from accounts import login_limits, signals  # noqa: F401 - connect the receivers
        from accounts.change_messages import changed_fields_named

        _name_user_links()
        changed_fields_named()


class LoginLockoutsConfig(axes.apps.AppConfig):
    """django-axes (INSTALLED_APPS), named in the admin in the site's language."""

    default = False  # not the accounts app's own configuration
    verbose_name = _("Login lockouts")

    def ready(self):
        super().ready()
        from axes.admin import AccessAttemptAdmin

        # django-axes gives its attempts' remaining-tries column no name: the admin showed the
        # method's, "STATUS", in every language.
        AccessAttemptAdmin.status.short_description = _("status")
        _name_axes_records()


def _name_axes_records() -> None:
    """django-axes names its records in English ("Access Log for nhaxe @ 2026-12-06 02:47:21
    .123+00:00"), which the admin shows as each change page's title and in its messages: they
    are named in the site's language, with the local time as the site writes it."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import formats, timezone

    def named(text: str):
        def __str__(record) -> str:
            when = formats.date_format(timezone.localtime(record.attempt_time), "H:i d/m/Y")
            return str(text) % {"user": record.username or "—", "at": when}

        return __str__

    AccessLog.__str__ = named(_("Login of %(user)s at %(at)s"))
    AccessAttempt.__str__ = named(_("Failed logins of %(user)s, the last at %(at)s"))
    AccessFailureLog.__str__ = named(_("Failed login of %(user)s at %(at)s"))


def _name_user_links() -> None:
    """Deleting a user lists the rows that link them to their roles and permissions, which Django
    names in English under a half-English heading ("Quan hệ user-group: User_groups object (3)"):
    they are named by the role or the permission, under a heading in the site's language."""
    from django.contrib.auth.models import User

    def role(link) -> str:
        from accounts.admin import role_label

        return role_label(link.group)

    def permission(link) -> str:
        from accounts.admin import permission_label

        return permission_label(link.permission)

    roles, permissions = User.groups.through, User.user_permissions.through
    roles._meta.verbose_name = _("role of the user")
    roles._meta.verbose_name_plural = _("roles of the user")
    roles.__str__ = role
    permissions._meta.verbose_name = _("permission of the user")
    permissions._meta.verbose_name_plural = _("permissions of the user")
    permissions.__str__ = permission
