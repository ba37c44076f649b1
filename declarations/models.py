from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from declarations import codes
from declarations.normalize import fold_name
from declarations.risk import Reason, RiskLevel
from truyvet.compiled import compiled_once

MERGED_PHONE_PEOPLE = 50  # at most, found by a phone they had before a merge
# What the risk list shows of a person at risk, kept in its indexes (Person.Meta.indexes).
AT_RISK_SHOWN = [
    "lookup_code",
    "full_name",
    "birth_year",
    "phone",
    "residence_district",
    "risk_level",
]


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class District(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        Province, models.PROTECT, related_name="districts", verbose_name=_("province")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Commune(models.Model):
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        District, models.PROTECT, related_name="communes", verbose_name=_("district")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")


class PersonQuerySet(models.QuerySet):
    def by_code(self, code: str, *, compiled_as: str = ""):
        """The person with this (parsed) code, or with it as a merged-away code; or None. With
        ``compiled_as``, the look-up of the code itself is compiled once under that name
        (``truyvet.compiled``): for a queryset that always has the same shape."""

        def first():  # made once per process when compiled
            return self.filter(lookup_code=code)[:1]

        found = compiled_once(first, compiled_as, code) if compiled_as else list(first())
        if found:
            return found[0]
        return self.filter(merged_codes__code=code).first()

    def with_phone(self, phone: str):
        """The people with this mobile number, or who had it before a duplicate with it was
        merged into them (``MergedCode.phone``): one small query for those, none when nobody
        was merged with that number."""
        merged = MergedCode.objects.filter(phone=phone).values_list("person_id", flat=True)
        merged = list(merged[:MERGED_PHONE_PEOPLE])
        if not merged:
            return self.filter(phone=phone)
        return self.filter(Q(phone=phone) | Q(pk__in=merged))

    def with_name_containing(self, folded: str):
        """The people whose folded name holds ``folded`` (already folded). Among a million
        people, the names that hold it are found first among the known names (a few
        thousand, ``KnownName``), then their people by the index of names: for a rare name
        0.1 ms, against 6 ms for the trigram index of every person's name. A part of a name
        that many names hold ("van", "thi h") is matched on the people themselves, as
        PostgreSQL plans it: such people are many, and the newest are found at once."""
        names = KnownName.objects.filter(name_folded__contains=folded).order_by()
        names = list(names.values_list("name_folded", flat=True)[: KnownName.FEW + 1])
        if len(names) > KnownName.FEW:
            return self.filter(name_folded__contains=folded)
        return self.filter(name_folded__in=names)

    def with_last_declared(self):
        """Each person with ``last_declared_at``: when their latest declaration was sent (None
        if they have none). ``updated_at`` is no such time: it moves when the health staff
        confirm a contact, clear a follow-up or close a case. Read in the same query as the
        people, from the index ``decl_person_newest``: no query per person."""
        latest = Declaration.objects.filter(person=OuterRef("pk")).order_by("-submitted_at")
        return self.annotate(last_declared_at=Subquery(latest.values("submitted_at")[:1]))


class Person(codes.ShownByCode, models.Model):
    """One human being, identified by a lookup code (mã tra cứu)."""

    lookup_code = models.CharField(_("lookup code"), max_length=codes.LENGTH)
    full_name = models.CharField(_("full name"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    nationality = models.CharField(_("nationality"), max_length=60, default="Việt Nam")
    id_number = models.CharField(_("ID document number"), max_length=12, blank=True)
    # 0912345678, or a foreign mobile number as +8613800138000 (E.164: 15 digits at most)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    residence_province = models.ForeignKey(
        Province,
        models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("province of residence"),
    )
    residence_district = models.ForeignKey(
        District,
        models.PROTECT,
        related_name="+",
        db_index=False,  # person_home starts with it
        verbose_name=_("district of residence"),
    )
    residence_commune = models.ForeignKey(
        Commune,
        models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("commune of residence"),
    )
    residence_address = models.CharField(_("house number, street"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # What declarations.services.people_risk_levels gives: the highest risk of the person's
    # recent declarations, open risk flags and open case.
    risk_level = models.CharField(
        _("current risk"), max_length=6, choices=RiskLevel.choices, default=RiskLevel.NONE
    )
    # When the health staff last cleared the person's follow-up: earlier declarations no longer
    # count toward their risk.
    risk_cleared_at = models.DateTimeField(_("risk cleared"), null=True, blank=True)
    must_update = models.BooleanField(
        _("must update the declaration"),
        default=False,
        help_text=_("Set by a checkpoint officer; cleared when the person declares again."),
    )

    objects = PersonQuerySet.as_manager()
    PLACES = ("residence_province", "residence_district", "residence_commune")  # with_places

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Plain indexes for exact matches (no LIKE pattern index on PostgreSQL). A name found
        # inside a full name uses a trigram index on PostgreSQL (migration 0002).
        indexes = [
            models.Index(fields=["name_folded", "-updated_at", "-id"], name="person_name_newest"),
            models.Index(fields=["phone"], name="person_phone"),
            models.Index(fields=["id_number"], name="person_id_number"),
            models.Index(fields=["-updated_at"], name="person_newest"),
            models.Index(fields=["risk_level", "-updated_at"], name="person_risk_newest"),
            # The people of a district, or of one commune of it: a scope, a case's neighbours.
            models.Index(fields=["residence_district", "residence_commune"], name="person_home"),
            # The risk list: everyone at risk, newest first (a small part of all people), with
            # what its rows show (tracing.risk_views.ROW_VALUES), so that a page is read from
            # this index alone, not from rows all over the table (declarations.0020).
            models.Index(
                fields=["-updated_at", "-id"],
                include=AT_RISK_SHOWN,
                condition=~Q(risk_level="none"),
                name="person_at_risk_listed",
            ),
            # The same, by person: the overdue lists, which find people through their follow-ups.
            models.Index(
                fields=["id"],
                include=[*AT_RISK_SHOWN, "updated_at"],
                condition=~Q(risk_level="none"),
                name="person_at_risk_by_id",
            ),
            # The risk list of one district, and its overdue people (joined to their follow-ups).
            models.Index(
                fields=["residence_district", "-updated_at", "-id"],
                condition=~Q(risk_level="none"),
                name="person_at_risk_district",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lookup_code"], name="person_lookup_code_unique"),
            models.CheckConstraint(
                condition=Q(lookup_code__regex=r"^[0-9A-HJKMNP-TV-Z]{8}$"),
                name="person_lookup_code_format",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900), name="person_birth_year_after_1900"
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.display_code})"

    def save(self, *args, **kwargs):
        self.fold_full_name()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    def fold_full_name(self) -> None:
        """Set the name the desk searches by; ``save()`` does it before every write."""
        self.name_folded = fold_name(self.full_name)[:100]

    def open_risk_flags(self) -> list:
        """The risks staff flagged and nobody cleared yet, as the person's pages show them."""
        flags = self.risk_flags.filter(cleared_at__isnull=True)
        return compiled_once(flags, "person_open_flags", self.pk)


class KnownNameManager(models.Manager):
    def forget_unused(self) -> int:
        """Delete the names that nobody has any more (after the purge); returns how many.

        On PostgreSQL, the table is locked against new names meanwhile (a person written waits,
        a few milliseconds): this waits for the people being written to be committed, so that a
        name that a new person takes is not forgotten as nobody's."""
        alias = router.db_for_write(self.model)
        with transaction.atomic(using=alias):
            connection = connections[alias]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(self.model._meta.db_table)
                    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            held = Person.objects.filter(name_folded=OuterRef("pk"))
            deleted, _per_model = self.using(alias).exclude(Exists(held)).delete()
        return deleted


class KnownName(models.Model):
    """Each folded full name that people have or had (``Person.name_folded``), once: what the
    desk's search by name looks through first (``PersonQuerySet.with_name_containing``).

    Kept in step by the database itself: a trigger on the people's table adds the name of each
    person written, whatever writes them (a declaration's prepared insert, a bulk insert, a
    rename); migration 0021. The daily purge forgets the names nobody has any more
    (``KnownName.objects.forget_unused``)."""

    FEW = 50  # more names than this holding what was typed: the people are searched directly

    name_folded = models.CharField(max_length=100, primary_key=True, editable=False)

    objects = KnownNameManager()

    def __str__(self):
        return self.name_folded


class MergedCode(models.Model):
    """The code of a person merged into another: it keeps working and leads to the kept one."""

    code = models.CharField(_("lookup code"), max_length=8, unique=True)
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="merged_codes", verbose_name=_("person")
    )
    # The merged person's own number: their code still opens with its last digits at /tra-cuu/,
    # and the desk finds the kept person by it.
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True, db_index=True)
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("merged by"),
    )

    class Meta:
        verbose_name = _("merged code")
        verbose_name_plural = _("merged codes")

    def __str__(self):
        return self.code

    @property
    def display_code(self) -> str:
        return codes.format_code(self.code)


class RiskFlag(models.Model):
    """A risk raised by hand by staff (for example a temperature measured at a checkpoint)."""

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="risk_flags", verbose_name=_("person")
    )
    level = models.CharField(
        _("level"),
        max_length=6,
        choices=[
            (RiskLevel.HIGH, RiskLevel.HIGH.label),
            (RiskLevel.MEDIUM, RiskLevel.MEDIUM.label),
        ],
    )
    reason = models.CharField(_("reason"), max_length=200)
    place = models.CharField(_("where"), max_length=200, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    flagged_at = models.DateTimeField(_("flagged"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        ordering = ["-flagged_at"]
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")

    def __str__(self):
        return f"{self.get_level_display()}: {self.reason}"


class PointKind(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    FACILITY = "facility", _("Health facility")


class DeclarationPoint(models.Model):
    """A place whose QR poster opens the form with its context: a vehicle, a checkpoint or a
    health facility (điểm khai báo). Replacing the token retires the printed posters."""

    kind = models.CharField(_("kind"), max_length=10, choices=PointKind.choices)
    name = models.CharField(_("name"), max_length=200)
    token = models.CharField(_("QR token"), max_length=32, unique=True, editable=False)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=12, blank=True)
    departments = models.TextField(_("departments"), blank=True)
    token_changed_at = models.DateTimeField(_("token issued"), default=timezone.now)
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("declaration point")
        verbose_name_plural = _("declaration points")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = codes.generate_point_token()
        super().save(*args, **kwargs)

    @property
    def public_path(self) -> str:
        return f"/q/{self.token}/"


class RetiredPointToken(models.Model):
    """A token replaced on a point: its old posters say they are no longer valid."""

    token = models.CharField(_("QR token"), max_length=32, unique=True)
    point = models.ForeignKey(
        DeclarationPoint,
        models.CASCADE,
        related_name="retired_tokens",
        verbose_name=_("declaration point"),
    )
    retired_at = models.DateTimeField(_("retired"), default=timezone.now)

    class Meta:
        verbose_name = _("retired QR token")
        verbose_name_plural = _("retired QR tokens")

    def __str__(self):
        return self.token


class HasDeclarationPoint(models.Model):
    """For vehicles, checkpoints and facilities: each owns a declaration point, made on save."""

    point_kind: str = ""
    point = models.OneToOneField(
        DeclarationPoint,
        models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("declaration point"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            context = self.point_context()
            if self.point_id is None:
                self.point = DeclarationPoint.objects.create(kind=self.point_kind, **context)
            elif any(getattr(self.point, key) != value for key, value in context.items()):
                for key, value in context.items():
                    setattr(self.point, key, value)
                self.point.save(update_fields=list(context))
            super().save(*args, **kwargs)

    def point_name(self) -> str:
        return str(self)

    def point_context(self) -> dict:
        """What the point's form shows fixed: its name, and a plate or departments."""
        return {"name": self.point_name()}


class VisitRole(models.TextChoices):
    PATIENT = "patient", _("Patient")
    RELATIVE = "relative", _("Accompanying relative")
    VISITOR = "visitor", _("Visitor")
    STAFF = "staff", pgettext_lazy("visit role", "Staff")


class Transport(models.TextChoices):
    COACH = "coach", _("Coach or bus")
    CAR = "car", _("Private car")
    MOTORBIKE = "motorbike", _("Motorbike")
    TRAIN = "train", _("Train")
    PLANE = "plane", _("Plane")
    ON_FOOT = "on_foot", _("On foot")
    OTHER = "other", _("Other")


# The means of transport whose vehicle has a number plate ("other" is a truck, a van...): the
# plate of a car or a motorbike is kept, and found at a checkpoint's desk. A plate typed with a
# train, a plane or on foot names no vehicle of the journey and is not kept. Only a coach puts a
# traveller on a vehicle's passenger list (transport.manifest).
PLATED_TRANSPORT = frozenset({Transport.COACH, Transport.CAR, Transport.MOTORBIKE, Transport.OTHER})


class MadeBy(models.TextChoices):
    SELF = "self", _("By the person")
    ON_BEHALF = "on_behalf", _("On the person's behalf")


class DeclarationQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-submitted_at", "-id")


class Declaration(models.Model):
    """One dated, immutable submission by or for a person: the journey and health answers.

    Updating means adding a new declaration under the same person; a saved one never changes.
    """

    # Indexed by decl_person_newest (person first), like to_district by decl_district_person.
    person = models.ForeignKey(
        Person,
        models.CASCADE,
        related_name="declarations",
        db_index=False,
        verbose_name=_("person"),
    )
    submission_token = models.UUIDField(unique=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    made_by = models.CharField(
        _("made"), max_length=10, choices=MadeBy.choices, default=MadeBy.SELF
    )
    made_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by (staff)"),
    )

    travel_date = models.DateField(_("travel date"))
    from_province = models.ForeignKey(
        Province, models.PROTECT, related_name="+", db_index=False, verbose_name=_("from province")
    )
    from_district = models.ForeignKey(
        District, models.PROTECT, related_name="+", db_index=False, verbose_name=_("from district")
    )
    to_district = models.ForeignKey(
        District, models.PROTECT, related_name="+", db_index=False, verbose_name=_("to district")
    )
    to_commune = models.ForeignKey(
        Commune, models.PROTECT, related_name="+", db_index=False, verbose_name=_("to commune")
    )
    to_address = models.CharField(_("destination address"), max_length=200, blank=True)
    transport = models.CharField(_("means of transport"), max_length=10, choices=Transport.choices)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=12, blank=True)
    seat = models.CharField(_("seat"), max_length=10, blank=True)
    places_visited = models.TextField(_("places visited in the last 14 days"), blank=True)
    point = models.ForeignKey(
        DeclarationPoint,
        models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # decl_point_newest starts with it
        related_name="+",
        verbose_name=_("declared through"),
    )
    visit_role = models.CharField(
        _("visiting as"), max_length=10, choices=VisitRole.choices, blank=True
    )
    department = models.CharField(_("department visited"), max_length=100, blank=True)

    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    exposures = models.JSONField(_("exposure"), default=list, blank=True)
    vaccine_doses = models.PositiveSmallIntegerField(_("vaccine doses"), default=0)

    risk_level = models.CharField(
        _("risk"), max_length=6, choices=RiskLevel.choices, default=RiskLevel.NONE
    )
    risk_reasons = models.JSONField(_("risk reasons"), default=list, blank=True)

    objects = DeclarationQuerySet.as_manager()
    PLACES = ("from_province", "from_district", "to_district", "to_commune")  # with_places

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        indexes = [
            models.Index(fields=["person", "-submitted_at"], name="decl_person_newest"),
            models.Index(fields=["vehicle_plate", "travel_date"], name="decl_plate_date"),
            # Who declared a journey to a district (a district's scope), from the index alone:
            # all of them for the counts above its risk list (945 ms from the table for the
            # busiest district among a million declarations), or whether one person did, for
            # each person its list passes (declarations.0019).
            models.Index(fields=["to_district", "person"], name="decl_district_person"),
            models.Index(fields=["risk_level", "-submitted_at"], name="decl_risk_newest"),
            models.Index(fields=["point", "-submitted_at"], name="decl_point_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_level__in=RiskLevel.values), name="declaration_risk_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.person.full_name} {self.travel_date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A declaration is immutable: add a new one instead.")
        super().save(*args, **kwargs)

    def reasons(self) -> list[Reason]:
        return [Reason.from_stored(text) for text in self.risk_reasons]

    @property
    def is_at_risk(self) -> bool:
        return self.risk_level != RiskLevel.NONE


class EpidemicZone(models.Model):
    """A province, district or commune declared an outbreak area (vùng dịch) for a date range."""

    place_code = models.CharField(
        _("place code"),
        max_length=5,
        help_text=_("GSO code of a province (2 digits), district (3) or commune (5)."),
    )
    place_name = models.CharField(_("place"), max_length=200, editable=False)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: still on."))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("epidemic zone")
        verbose_name_plural = _("epidemic zones")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="zone_ends_after_start",
            )
        ]

    def __str__(self):
        return self.place_name or self.place_code

    def save(self, *args, **kwargs):
        from declarations.services import zones_changed

        super().save(*args, **kwargs)
        transaction.on_commit(zones_changed)

    def delete(self, *args, **kwargs):
        from declarations.services import zones_changed

        result = super().delete(*args, **kwargs)
        transaction.on_commit(zones_changed)
        return result

    def clean(self):
        """Names the place, and says next to each field what is wrong, where the database
        would only name its constraint. A missing code has the field's own error already."""
        from declarations.places import place_tree

        errors = {}
        place = place_tree().get(self.place_code)
        if place is not None:
            self.place_name = place.name
        elif self.place_code:
            errors["place_code"] = _("No province, district or commune has this code.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)
