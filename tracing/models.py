"""Follow-up of people at risk, confirmed cases (F0) and their contacts (F1, F2)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class FollowUpStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    ISOLATING_HOME = "home", _("Isolating at home")
    ISOLATING_FACILITY = "facility", _("Isolating in a facility")
    TESTED_NEGATIVE = "negative", _("Tested negative")
    TESTED_POSITIVE = "positive", _("Tested positive")
    CLEARED = "cleared", _("Cleared")


# Tracing changed what past local days count (a contact decided again, declarations whose risk
# a change of zones changed): sent with ``days``, a set of dates, inside the transaction of the
# change. ``reports`` counts those days again: tracing may not depend on it.
counted_days_changed = Signal()

OPEN_STATUSES = [s for s in FollowUpStatus.values if s != FollowUpStatus.CLEARED]
OVERDUE_AFTER_HOURS = 24


def overdue_limit(now: datetime | None = None) -> datetime:
    """An open follow-up last updated before this moment is overdue: nobody has handled the
    person for ``OVERDUE_AFTER_HOURS``."""
    return (now or timezone.now()) - timedelta(hours=OVERDUE_AFTER_HOURS)


def is_overdue(status: str, updated_at: datetime, now: datetime | None = None) -> bool:
    """Whether a follow-up in this status, last updated then, is overdue: open, and not
    updated since ``overdue_limit``. ``tracing.forms_risk.overdue`` is the same rule as a
    query."""
    return status in OPEN_STATUSES and updated_at < overdue_limit(now)


def system_text(text) -> str:
    """``text`` (lazy: ``gettext_lazy``, a choice's ``label``) as the system writes it into a
    follow-up's reason or history: in the source language, whatever language the page that
    wrote it spoke, so that each reader sees it in theirs (``shown_text``)."""
    with translation.override(None):
        return str(text)


def shown_text(text: str) -> str:
    """A follow-up's reason or note in the reader's language when the system wrote it
    (``system_text``); what staff typed, as they typed it."""
    return gettext(text) if text else text


def copy_of_persons(place: str) -> models.ForeignKey:
    """A follow-up's copy of its person's district or commune of residence (``place``). The
    database keeps it (migrations tracing.0010 and 0011): a trigger sets it on every follow-up
    written, and another on every person whose home changes. Never set here."""
    return models.ForeignKey(
        place,
        models.DO_NOTHING,
        null=True,
        editable=False,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )


class FollowUp(models.Model):
    """The health staff's handling of one person at risk (theo dõi)."""

    person = models.OneToOneField(
        "declarations.Person", models.CASCADE, related_name="follow_up", verbose_name=_("person")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    reason = models.CharField(_("why followed up"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)
    # Copies of the person's district and commune of residence, for the overdue list of a
    # district or a commune (their indexes below).
    residence_district = copy_of_persons("declarations.District")
    residence_commune = copy_of_persons("declarations.Commune")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["status", "updated_at"], name="followup_status_updated"),
            # The overdue list: open follow-ups, longest waiting first, with their people's keys
            # (PostgreSQL reads the list's page of people from this index and the people's
            # person_at_risk_district alone: tracing.risk_views._page).
            models.Index(
                fields=["updated_at", "id"],
                include=["person"],
                condition=Q(status__in=OPEN_STATUSES),
                name="followup_open_waiting",
            ),
            # The overdue list of a district: its open follow-ups, longest waiting first.
            models.Index(
                fields=["residence_district", "updated_at", "id"],
                include=["person"],
                condition=Q(status__in=OPEN_STATUSES),
                name="followup_open_district",
            ),
            # ... and of a commune.
            models.Index(
                fields=["residence_commune", "updated_at", "id"],
                include=["person"],
                condition=Q(status__in=OPEN_STATUSES),
                name="followup_open_commune",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_status_display()}"

    @property
    def reason_shown(self) -> str:
        return shown_text(self.reason)

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.status, self.updated_at)


class FollowUpEvent(models.Model):
    """One dated change or note on a follow-up: its full history, never edited."""

    follow_up = models.ForeignKey(
        FollowUp, models.CASCADE, related_name="events", verbose_name=_("follow-up")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    # The follow-up taken back from its assignee: nobody is in charge of it any more.
    unassigned = models.BooleanField(_("assignment removed"), default=False)
    note = models.TextField(_("note"), blank=True)
    # On a clearing (status cleared): when the person had last been cleared before it, so that
    # staff who reopen the follow-up undo exactly this clearing (``tracing.services``).
    risk_cleared_before = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("follow-up event")
        verbose_name_plural = _("follow-up events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.status}"


class Case(models.Model):
    """A confirmed case (ca bệnh F0)."""

    person = models.OneToOneField(
        "declarations.Person", models.CASCADE, related_name="case", verbose_name=_("person")
    )
    confirmed_on = models.DateField(_("confirmed on"))
    # When symptoms began, if the case had any: the days it could infect start from there
    # (tracing.proposals.case_window).
    onset_on = models.DateField(_("symptoms began on"), null=True, blank=True)
    how_confirmed = models.CharField(_("how confirmed"), max_length=200)
    isolated_at = models.CharField(_("where isolated"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The one-time token of the form that entered a case who never declared: a resent form
    # finds this case instead of creating the person twice.
    entry_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-confirmed_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return f"F0 {self.person}"


class ContactLevel(models.TextChoices):
    F1 = "F1", _("F1 (close contact)")
    F2 = "F2", _("F2 (contact of an F1)")


class ContactStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class ContactSource(models.TextChoices):
    PROPOSED = "search", _("Found in the data")
    INVESTIGATION = "investigation", _("Reported by the investigation team")


class Contact(models.Model):
    """A person proposed or confirmed as a contact of a case, with why."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="contacts", verbose_name=_("case"))
    person = models.ForeignKey(
        "declarations.Person", models.CASCADE, related_name="contacts", verbose_name=_("person")
    )
    level = models.CharField(_("level"), max_length=2, choices=ContactLevel.choices)
    via = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="onward",
        verbose_name=_("through the F1"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.PROPOSED
    )
    source = models.CharField(
        _("source"), max_length=13, choices=ContactSource.choices, default=ContactSource.PROPOSED
    )
    reasons = models.JSONField(_("why"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["level", "-created_at"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="contact_once_per_case"),
            models.CheckConstraint(
                condition=Q(level="F1", via__isnull=True) | Q(level="F2", via__isnull=False),
                name="contact_f2_has_an_f1",
            ),
        ]

    def __str__(self):
        return f"{self.level} {self.person}"
