"""The report shows the names of the districts and checkpoints: renaming one, or adding or
removing one, builds the kept reports again (``reports.counts.report_kept``)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from checkpoints.models import Checkpoint
from declarations.models import District
from reports.counts import counts_changed


@receiver(post_save, sender=Checkpoint, dispatch_uid="report-checkpoint-saved")
@receiver(post_delete, sender=Checkpoint, dispatch_uid="report-checkpoint-deleted")
@receiver(post_save, sender=District, dispatch_uid="report-district-saved")
@receiver(post_delete, sender=District, dispatch_uid="report-district-deleted")
def names_changed(sender, **kwargs):
    transaction.on_commit(counts_changed)
