from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """What scopes a staff user: their checkpoint, district or the whole province."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    checkpoint = models.ForeignKey(
        "checkpoints.Checkpoint",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checkpoint"),
        help_text=_("For checkpoint officers: the checkpoint where they work."),
    )
    district = models.ForeignKey(
        "declarations.District",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("For health staff of a district health centre."),
    )
    facility = models.ForeignKey(
        "facilities.HealthFacility",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("health facility"),
        help_text=_("For health staff of a hospital or clinic: its visitors."),
    )
    company = models.ForeignKey(
        "transport.BusCompany",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bus company"),
        help_text=_("For bus operators: the company whose vehicles they run."),
    )
    province_wide = models.BooleanField(
        _("whole province"),
        default=False,
        help_text=_("For provincial health staff (CDC, health department): no district limit."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)


class AuditAction(models.TextChoices):
    VIEW_PERSON = "view_person", _("Opened a person's page")
    VIEW_LIST = "view_list", _("Opened a list of people")
    SEARCH = "search", _("Searched")
    RECORD_PASSAGE = "record_passage", _("Recorded a passage")
    DECLARE_ON_BEHALF = "declare_on_behalf", _("Declared on a person's behalf")
    FLAG_RISK = "flag_risk", _("Flagged a risk")
    REQUIRE_UPDATE = "require_update", _("Asked for an updated declaration")
    EXPORT = "export", _("Exported")
    PASSENGER_LIST = "passenger_list", _("Changed a passenger list")
    DECIDE_CONTACT = "decide_contact", _("Confirmed or dismissed a contact")
    MERGE_PEOPLE = "merge_people", _("Merged duplicate people")
    MATCH_CONTACTS = "match_contacts", _("Matched contacts to people")
    IMPORT_CONTACTS = "import_contacts", _("Imported contacts")


class AuditEntry(models.Model):
    """Who saw or did what to personal data, when and from where. Never edited; deleted only by
    the nightly purge, once older than AUDIT_RETENTION_DAYS (``reports.retention``)."""

    DETAIL_LENGTH = 500

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    person = models.ForeignKey(
        "declarations.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    person_code = models.CharField(_("lookup code"), max_length=8, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=30, blank=True)  # accounts.audit
    detail = models.CharField(_("detail"), max_length=DETAIL_LENGTH, blank=True)
    # The lookup codes of the other people a page listed by name (a case's contacts), separated
    # by spaces: one entry for the page, which a search by any of their codes finds.
    people_shown = models.TextField(_("people shown"), blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        """As the admin titles the entry: the local time as the site writes it, as its field
        shows it (the stored time is UTC)."""
        when = formats.date_format(timezone.localtime(self.at), "H:i d/m/Y")
        return f"{when} {self.username} {self.get_action_display()}"
