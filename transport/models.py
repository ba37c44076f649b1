from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.models import HasDeclarationPoint, PointKind


class BusCompany(models.Model):
    """A passenger transport company (nhà xe)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bus company")
        verbose_name_plural = _("bus companies")

    def __str__(self):
        return self.name


class Vehicle(HasDeclarationPoint):
    """A passenger vehicle, with the QR poster that its passengers scan."""

    point_kind = PointKind.VEHICLE

    company = models.ForeignKey(
        BusCompany, models.PROTECT, related_name="vehicles", verbose_name=_("company")
    )
    plate = models.CharField(_("plate"), max_length=12, unique=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=29)
    route = models.CharField(_("usual route"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["plate"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        permissions = [
            ("manage_vehicles", _("Can manage bus companies and vehicles")),
            ("view_findings", _("Can see undeclared-passenger findings")),
        ]

    def __str__(self):
        return self.plate

    def point_name(self) -> str:
        return f"{self.plate} · {self.company.name}"

    def point_context(self) -> dict:
        return {"name": self.point_name(), "vehicle_plate": self.plate, "is_active": self.is_active}
