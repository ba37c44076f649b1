from django.conf import settings
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
    # Set when the vehicle moves to another company (``VehicleAdminForm``): its passenger lists
    # before that day are the former company's, which the new one must not see.
    company_since = models.DateField(_("with this company since"), null=True, blank=True)

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


class RemovalReason(models.TextChoices):
    NOT_ON_BOARD = "not_on_board", _("Did not travel on this vehicle")
    DUPLICATE = "duplicate", _("On the list twice (declared twice)")
    MISTAKE = "mistake", _("Declared with a mistake (declared again correctly)")


class PassengerRemoval(models.Model):
    """A person taken off a vehicle's passenger list for a day by its crew: their declaration
    stays as it was sent (declarations are never changed), the list and the bus check leave
    them out, until the crew puts them back or they declare that vehicle again (a corrected
    declaration sent after the removal)."""

    vehicle = models.ForeignKey(
        Vehicle, models.CASCADE, related_name="removals", verbose_name=_("vehicle")
    )
    day = models.DateField(_("day"))
    person = models.ForeignKey(
        "declarations.Person", models.CASCADE, related_name="+", verbose_name=_("person")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=RemovalReason.choices)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)
    # Put back by the crew: the row stays, as the record of why the passenger was taken off.
    restored_at = models.DateTimeField(_("put back at"), null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("put back by"),
    )

    class Meta:
        verbose_name = _("passenger taken off a list")
        verbose_name_plural = _("passengers taken off lists")
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "day", "person"],
                condition=models.Q(restored_at=None),
                name="passenger_off_once",
            )
        ]

    def __str__(self):
        return f"{self.vehicle} {self.day:%d/%m/%Y} {self.person}"
