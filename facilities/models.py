from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, HasDeclarationPoint, PointKind


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_CENTRE = "centre", _("Health centre")
    CLINIC = "clinic", _("Clinic")
    COMMUNE_STATION = "station", _("Commune health station")


class HealthFacility(HasDeclarationPoint):
    """A hospital, health centre or clinic whose visitors declare by scanning its QR."""

    point_kind = PointKind.FACILITY

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=FacilityKind.choices)
    district = models.ForeignKey(
        "declarations.District", models.PROTECT, related_name="+", verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    departments = models.TextField(
        _("departments"), blank=True, help_text=_("One per line, as visitors will choose them.")
    )
    # Retires the facility and its QR posters while keeping it, its visitors and its staff's
    # scope: what an administrator does instead of deleting it.
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("health facility")
        verbose_name_plural = _("health facilities")

    def __str__(self):
        return self.name

    def clean(self):
        # A visit stores its department in a column of limited length: a longer name offered
        # on the form could not be saved (PostgreSQL refuses it) when a visitor chose it.
        limit = Declaration._meta.get_field("department").max_length
        too_long = [name for name in self.department_list() if len(name) > limit]
        if too_long:
            raise ValidationError(
                {
                    "departments": _(
                        "A department's name has at most %(limit)s characters: %(name)s"
                    )
                    % {"limit": limit, "name": too_long[0]}
                }
            )

    def point_context(self) -> dict:
        return {
            "name": self.point_name(),
            "departments": self.departments,
            "is_active": self.is_active,
        }

    def department_list(self) -> list[str]:
        return [line.strip() for line in self.departments.splitlines() if line.strip()]
