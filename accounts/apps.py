import axes.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and audit")

    def ready(self):
        from accounts import signals  # noqa: F401 - connects the receivers


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
