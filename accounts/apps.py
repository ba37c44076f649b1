from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and audit")

    def ready(self):
        from accounts import signals  # noqa: F401 - connects the receivers
