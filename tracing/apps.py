from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "tracing"
    verbose_name = _("Follow-up and tracing")

    def ready(self):
        from tracing import signals  # noqa: F401 - connects the receivers
