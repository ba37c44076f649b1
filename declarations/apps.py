from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Declarations")

    def ready(self):
        from declarations.signals import connect_point_owners
        from truyvet import after_response  # noqa: F401 - connects its receivers

        connect_point_owners()
