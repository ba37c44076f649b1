"""Changes to groups and permissions drop the kept access of the users concerned
(``accounts.backends``)."""

from django.contrib.auth.models import Group, User
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver

from accounts.backends import forget_access


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="access-user-groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="access-user-perms")
def user_access_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
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


@receiver(post_save, sender=User, dispatch_uid="access-user-saved")
def user_saved(sender, instance, created, **kwargs):
    if not created:  # is_superuser may have changed
        forget_access([instance.pk])
