"""The user guide: one page per role, and which page a staff member's own guide is."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.access import profile_of
from accounts.roles import Role, roles_of

# The browser windows of the journeys that take the screenshots (tests/browser/conftest.py).
DESKTOP = (1280, 800)
PHONE = (360, 740)


@dataclass(frozen=True)
class Guide:
    slug: str  # its address, /huong-dan/<slug>/, and its screenshot, static/guide/<slug>.png
    title: str
    screenshot_size: tuple[int, int]  # the browser window of the journey that takes it

    @property
    def screenshot(self) -> str:
        return f"guide/{self.slug}.png"

    @property
    def is_phone(self) -> bool:
        return self.screenshot_size == PHONE

    def get_absolute_url(self) -> str:
        return reverse("guide:page", args=[self.slug])


# In the order of the index: the public first, then the staff as they meet a traveller.
GUIDES = [
    Guide("nguoi-dan", _("Citizens"), PHONE),
    Guide("nha-xe", Role.OPERATOR.label, DESKTOP),
    Guide("chot-kiem-soat", Role.CHECKPOINT_OFFICER.label, DESKTOP),
    Guide("co-so-y-te", _("Health facility staff"), DESKTOP),
    Guide("y-te", Role.HEALTH_STAFF.label, DESKTOP),
    Guide("giao-thong", Role.TRANSPORT.label, DESKTOP),
    Guide("lanh-dao", Role.LEADERSHIP.label, DESKTOP),
    Guide("quan-tri", Role.ADMINISTRATOR.label, DESKTOP),
]
GUIDES_BY_SLUG = {guide.slug: guide for guide in GUIDES}

# A user with several roles gets the guide of the role whose pages come first in the menu
# (accounts/menu.py): that is where they land after logging in.
ROLE_GUIDES = [
    (Role.ADMINISTRATOR, "quan-tri"),
    (Role.CHECKPOINT_OFFICER, "chot-kiem-soat"),
    (Role.TRANSPORT, "giao-thong"),
    (Role.OPERATOR, "nha-xe"),
    (Role.HEALTH_STAFF, "y-te"),
    (Role.LEADERSHIP, "lanh-dao"),
]


def guide_for(user) -> Guide | None:
    """The guide of the user's role; the citizens' for visitors who are not logged in; None
    for staff accounts with no role yet."""
    if user is None or not user.is_authenticated:
        return GUIDES_BY_SLUG["nguoi-dan"]
    roles = roles_of(user)
    for role, slug in ROLE_GUIDES:
        if role not in roles:
            continue
        if role == Role.HEALTH_STAFF and _at_a_facility(user):
            return GUIDES_BY_SLUG["co-so-y-te"]
        return GUIDES_BY_SLUG[slug]
    return None


def _at_a_facility(user) -> bool:
    profile = profile_of(user)
    return bool(profile and profile.facility_id)
