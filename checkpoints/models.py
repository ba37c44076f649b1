from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.models import HasDeclarationPoint, PointKind


class Checkpoint(HasDeclarationPoint):
    """A control post (chốt kiểm soát) on a road into or inside the province. Its QR is for
    people crossing on foot or by private vehicle."""

    point_kind = PointKind.CHECKPOINT

    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        "declarations.District", models.PROTECT, related_name="+", verbose_name=_("district")
    )
    road = models.CharField(_("road"), max_length=200, blank=True)
    entering_direction = models.CharField(
        _("direction counted as entering the province"),
        max_length=200,
        blank=True,
        help_text=_("For example: from Lào Cai towards Lai Châu city."),
    )
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        permissions = [("use_desk", _("Can use the checkpoint desk and person pages"))]

    def __str__(self):
        return self.name

    def point_context(self) -> dict:
        return {"name": self.point_name(), "is_active": self.is_active}


class Direction(models.TextChoices):
    IN = "in", _("Entering the province")
    OUT = "out", _("Leaving the province")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed through")
    DECLARED_ON_SPOT = "declared", _("Declared on the spot")
    MUST_UPDATE = "must_update", _("Must update the declaration")
    HELD = "held", _("Held for health measures")


class Passage(models.Model):
    """One recorded crossing of a checkpoint by a person (lượt qua chốt)."""

    person = models.ForeignKey(
        "declarations.Person",
        models.CASCADE,
        related_name="passages",
        db_index=False,  # passage_person_newest starts with it
        verbose_name=_("person"),
    )
    checkpoint = models.ForeignKey(
        Checkpoint,
        models.PROTECT,
        related_name="passages",
        db_index=False,  # passage_checkpoint_newest starts with it
        verbose_name=_("checkpoint"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=12, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    bus_check = models.ForeignKey(
        "BusCheck",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="passages",
        verbose_name=_("bus check"),
    )
    declaration = models.ForeignKey(
        "declarations.Declaration",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declaration made on the spot"),
    )
    # The one-time token of the desk's form that recorded it: the same form sent twice (a
    # double click, Enter pressed twice) records one crossing.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        indexes = [
            models.Index(fields=["checkpoint", "-at"], name="passage_checkpoint_newest"),
            models.Index(fields=["person", "-at"], name="passage_person_newest"),
        ]

    def __str__(self):
        return f"{self.person} {self.checkpoint} {timezone.localtime(self.at):%d/%m/%Y %H:%M}"


class BusCheck(models.Model):
    """A bus checked at a checkpoint against its passenger list for the day."""

    checkpoint = models.ForeignKey(
        Checkpoint, models.PROTECT, related_name="bus_checks", verbose_name=_("checkpoint")
    )
    vehicle = models.ForeignKey(
        "transport.Vehicle",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("vehicle"),
    )
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=12)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.IN
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    on_list = models.PositiveIntegerField(_("passengers on the list"), default=0)
    on_board = models.PositiveIntegerField(_("listed passengers on board"), default=0)
    undeclared = models.PositiveIntegerField(_("passengers on board without a declaration"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The one-time token of the form that recorded the check: the same form sent twice (a double
    # tap, a retry) finds this check instead of counting the bus twice in the findings.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("bus check")
        verbose_name_plural = _("bus checks")
        indexes = [models.Index(fields=["at"], name="buscheck_at")]

    def __str__(self):
        # In the province's time, as the admin's lists show it (the database gives UTC).
        return (
            f"{self.vehicle_plate} {self.checkpoint} {timezone.localtime(self.at):%d/%m/%Y %H:%M}"
        )
