"""Which checkpoint a staff user works at, and which boards they may read."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import profile_of
from accounts.roles import Role, has_role
from checkpoints.models import BusCheck, Checkpoint


def own_checkpoint(user) -> Checkpoint | None:
    profile = profile_of(user)
    return profile.checkpoint if profile else None


def board_checkpoint(request) -> Checkpoint:
    """Officers read the board of their own checkpoint only; administrators choose any."""
    asked = request.GET.get("chot", "")
    own = own_checkpoint(request.user)
    if has_role(request.user, Role.ADMINISTRATOR):
        if asked.isdecimal() and len(asked) < 19:
            return get_object_or_404(Checkpoint, pk=int(asked))
        if own is not None:
            return own
        first = Checkpoint.objects.filter(is_active=True).first()
        if first is None:
            raise Http404
        return first
    if own is None or (asked and asked != str(own.pk)):
        raise Http404
    return own


def checkpoint_for_staff(request, pk: int) -> Checkpoint:
    """A checkpoint whose poster a user may print: their own, or any for administrators."""
    checkpoint = get_object_or_404(Checkpoint.objects.select_related("point"), pk=pk)
    if has_role(request.user, Role.ADMINISTRATOR) or checkpoint == own_checkpoint(request.user):
        return checkpoint
    raise Http404


def bus_check_for_staff(request, pk: int) -> BusCheck:
    """A bus check recorded at the user's checkpoint; any for administrators (by role, as the
    board and the posters read it, not only those whose account is a superuser)."""
    check = get_object_or_404(BusCheck.objects.select_related("checkpoint"), pk=pk)
    own = own_checkpoint(request.user)
    if has_role(request.user, Role.ADMINISTRATOR) or (own is not None and check.checkpoint == own):
        return check
    raise Http404
