"""The report shows the names of the districts and checkpoints: renaming one, or adding or
removing one, builds the kept reports again (``reports.counts.report_kept``). Days whose figures
tracing changed after the fact are counted again at once (``counted_days_changed``)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from checkpoints.models import Checkpoint
from declarations.models import District
from reports.counts import counts_changed, counts_rebuild_days
from tracing.models import counted_days_changed


@receiver(post_save, sender=Checkpoint, dispatch_uid="report-checkpoint-saved")
@receiver(post_delete, sender=Checkpoint, dispatch_uid="report-checkpoint-deleted")
@receiver(post_save, sender=District, dispatch_uid="report-district-saved")
@receiver(post_delete, sender=District, dispatch_uid="report-district-deleted")
def names_changed(sender, **kwargs):
    transaction.on_commit(counts_changed)


@receiver(counted_days_changed, dispatch_uid="report-days-recounted")
def days_recounted(sender, days, **kwargs):
    """Count again, in the change's transaction, the days it changed; days a purge reached
    stay as stored (``counts_rebuild``)."""
    counts_rebuild_days(days)
