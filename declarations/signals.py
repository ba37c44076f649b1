"""A place added, renamed or deleted (in the admin, or by code) renews every process's tree of
places (``declarations.places``): the declaration form offers a new commune without a restart.

A vehicle, checkpoint or health facility deleted takes its QR posters out of service.

Its declaration point stays, with the declarations made through it (history); only the point's
``is_active`` goes, so its QR answers that the poster is no longer valid and offers the plain
form, instead of opening the form at a place that no longer exists. Every way of deleting
(the admin's delete, its bulk action, an inline's delete box, code) sends ``post_delete``.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from declarations.models import Commune, DeclarationPoint, District, HasDeclarationPoint, Province
from declarations.places import places_changed


@receiver(post_save, sender=Province, dispatch_uid="places-province-saved")
@receiver(post_save, sender=District, dispatch_uid="places-district-saved")
@receiver(post_save, sender=Commune, dispatch_uid="places-commune-saved")
@receiver(post_delete, sender=Province, dispatch_uid="places-province-deleted")
@receiver(post_delete, sender=District, dispatch_uid="places-district-deleted")
@receiver(post_delete, sender=Commune, dispatch_uid="places-commune-deleted")
def place_changed(sender, **kwargs):
    places_changed()


def point_owner_deleted(sender, instance, **kwargs):
    if instance.point_id is not None:
        DeclarationPoint.objects.filter(pk=instance.point_id).update(is_active=False)


def connect_point_owners() -> None:
    """Connected for each owner model, not for every model: a ``post_delete`` receiver without
    a sender would make every bulk delete fetch its rows first (the retention purge's too)."""
    for model in apps.get_models():
        if issubclass(model, HasDeclarationPoint):
            post_delete.connect(
                point_owner_deleted, sender=model, dispatch_uid=f"point-owner-{model._meta.label}"
            )
