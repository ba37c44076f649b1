"""Anyone who becomes at risk gets a follow-up at once, whichever app raised their risk."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from declarations.models import Declaration, RiskFlag
from declarations.risk import RiskLevel
from tracing.models import system_text
from tracing.services import follow_up_open_if_at_risk


@receiver(post_save, sender=Declaration, dispatch_uid="tracing-declaration-at-risk")
def declaration_saved(sender, instance, created, **kwargs):
    if created and instance.risk_level != "none":
        reason = system_text(RiskLevel(instance.risk_level).label)
        follow_up_open_if_at_risk(instance.person, reason=reason)


@receiver(post_save, sender=RiskFlag, dispatch_uid="tracing-flag-at-risk")
def flag_saved(sender, instance, created, **kwargs):
    if created:
        follow_up_open_if_at_risk(instance.person, reason=instance.reason)
