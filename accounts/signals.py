"""Changes to accounts, groups, permissions and staff profiles (and to the checkpoints,
facilities and companies that profiles name) drop the kept access of the users concerned
(``accounts.backends``). Changes to users and to their groups also make a new version of the staff
directory (``accounts.directory``), which the kept lists of staff depend on."""

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from accounts.backends import forget_access
from accounts.directory import directory_changed
from accounts.models import StaffProfile
from checkpoints.models import Checkpoint
from facilities.models import HealthFacility
from transport.models import BusCompany


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="access-user-groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="access-user-perms")
def user_access_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if sender is User.groups.through:
        _directory_changed()
    if not reverse:  # user.groups.add(...), user.user_permissions.remove(...)
        forget_access([instance.pk])
    elif isinstance(instance, Group):  # group.user_set.add(...)
        forget_access(pk_set if pk_set else instance.user_set.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="access-group-perms")
def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:  # group.permissions.add(...)
        groups = [instance]
    else:  # permission.group_set.add(...)
        groups = instance.group_set.all() if pk_set is None else Group.objects.filter(pk__in=pk_set)
    for group in groups:
        forget_access(group.user_set.values_list("pk", flat=True))


@receiver(pre_delete, sender=Group, dispatch_uid="access-group-deleted")
def group_deleted(sender, instance, **kwargs):
    forget_access(instance.user_set.values_list("pk", flat=True))
    _directory_changed()


@receiver(post_save, sender=User, dispatch_uid="access-user-saved")
def user_saved(sender, instance, created, update_fields=None, **kwargs):
    if not created:  # the kept account, and is_superuser, may have changed
        _account_changed(instance.pk)
    if update_fields is None or set(update_fields) - {"last_login"}:  # not a mere login
        _directory_changed()  # a name or an account's activity may have changed


@receiver(post_delete, sender=User, dispatch_uid="directory-user-deleted")
def user_deleted(sender, instance, **kwargs):
    _account_changed(instance.pk)
    _directory_changed()


def _account_changed(pk: int) -> None:
    """Drop the kept account now, and again once the change is committed: a request that read
    the row before the commit may have kept it meanwhile."""
    forget_access([pk])
    transaction.on_commit(lambda: forget_access([pk]))


def _directory_changed() -> None:
    """A new directory version once the change is committed: a page drawn meanwhile, from the
    data before the change, is then kept under the old version, never under the new one."""
    transaction.on_commit(directory_changed)


@receiver(post_save, sender=StaffProfile, dispatch_uid="access-profile-saved")
@receiver(post_delete, sender=StaffProfile, dispatch_uid="access-profile-deleted")
def profile_changed(sender, instance, **kwargs):
    forget_access([instance.user_id])
    _directory_changed()  # whom a follow-up may be given to (tracing.access.PersonScope)


WORKPLACES = {Checkpoint: "checkpoint", HealthFacility: "facility", BusCompany: "company"}


@receiver(post_save, sender=Checkpoint, dispatch_uid="access-checkpoint-saved")
@receiver(post_save, sender=HealthFacility, dispatch_uid="access-facility-saved")
@receiver(post_save, sender=BusCompany, dispatch_uid="access-company-saved")
@receiver(pre_delete, sender=Checkpoint, dispatch_uid="access-checkpoint-deleted")
@receiver(pre_delete, sender=HealthFacility, dispatch_uid="access-facility-deleted")
@receiver(pre_delete, sender=BusCompany, dispatch_uid="access-company-deleted")
def workplace_changed(sender, instance, created=False, **kwargs):
    """A renamed, closed or deleted workplace shows at once on the pages of the staff who work
    there (deleting it empties their profiles' field without saving them)."""
    if not created:
        staff = StaffProfile.objects.filter(**{WORKPLACES[sender]: instance})
        forget_access(staff.values_list("user_id", flat=True))
        if sender is HealthFacility:  # its point: whose follow-ups its staff may be given
            _directory_changed()
