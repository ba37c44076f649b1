from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.retention import deletion_date as person_deletion_date

register = template.Library()


@register.simple_tag
def deletion_date(person) -> str:
    """When the purge will delete this person's data, as a sentence for the staff pages."""
    day = person_deletion_date(person)
    if day is None:
        return _("Kept while under follow-up")
    return _("Will be deleted on %(date)s") % {"date": date_format(day, "d/m/Y")}
