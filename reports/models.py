"""Daily counts: the figures the leaders' report reads, kept apart from the personal data so
that they outlive its purge (retention)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkpoints.models import Direction


class Measure(models.TextChoices):
    DECLARATIONS = "declarations", _("Declarations")
    ARRIVALS = "arrivals", _("Arrivals from other provinces")
    ON_BEHALF = "on_behalf", _("Declared on behalf")
    # People, each once a day at the highest risk they declared that day (reports.counts).
    HIGH_RISK = "high_risk", _("People at high risk")
    MEDIUM_RISK = "medium_risk", _("People at medium risk")
    PASSAGES_IN = "passages_in", _("Passages in")
    PASSAGES_OUT = "passages_out", _("Passages out")
    NEW_CASES = "new_cases", _("New cases (F0)")
    NEW_F1 = "new_f1", _("New F1")
    NEW_F2 = "new_f2", _("New F2")
    UNDECLARED = "undeclared", _("Bus passengers without a declaration")


class DailyCount(models.Model):
    """One measure of one local day in one district (no district: outside the province or
    unknown). Written only by ``reports.counts``."""

    day = models.DateField(_("day"))
    district = models.ForeignKey(
        "declarations.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("district"),
    )
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    value = models.PositiveIntegerField(_("value"))
    # When the raw data was counted: the report says how recent its figures are.
    counted_at = models.DateTimeField(_("counted at"), default=timezone.now)

    class Meta:
        ordering = ["day", "district", "measure"]
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        permissions = [("view_report", _("Can view the daily report"))]
        indexes = [models.Index(fields=["day", "measure"], name="dailycount_day_measure")]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district", "measure"],
                name="dailycount_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.district_id or '-'} {self.measure} = {self.value}"


class CheckpointDailyCount(models.Model):
    """The passages of one checkpoint on one local day in one direction."""

    day = models.DateField(_("day"))
    checkpoint = models.ForeignKey(
        "checkpoints.Checkpoint",
        models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("checkpoint"),
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        ordering = ["day", "checkpoint", "direction"]
        verbose_name = _("checkpoint daily count")
        verbose_name_plural = _("checkpoint daily counts")
        indexes = [models.Index(fields=["day"], name="checkpointcount_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "checkpoint", "direction"], name="checkpointcount_once"
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.checkpoint_id} {self.direction} = {self.value}"


class Purge(models.Model):
    """One run of the retention purge (``reports.retention.purge_expired``). The days before
    its ``first_kept_day`` may have lost people: their stored counts are final, and
    ``reports.counts`` never counts those days again."""

    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    first_kept_day = models.DateField(_("first day kept"))
    people = models.PositiveIntegerField(_("people removed"), default=0)
    audit_entries = models.PositiveIntegerField(_("audit entries removed"), default=0)

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("purge")
        verbose_name_plural = _("purges")

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M} < {self.first_kept_day}"
