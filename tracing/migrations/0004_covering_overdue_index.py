"""The open follow-ups' index carries each follow-up's person (INCLUDE, on PostgreSQL): the page
of an overdue list is then found from two indexes alone, without reading the tables."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0008_person_at_risk_district'),
        ('tracing', '0003_open_follow_ups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='followup',
            name='followup_open_waiting',
        ),
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(condition=models.Q(('status__in', ['new', 'contacted', 'home', 'facility', 'negative', 'positive'])), fields=['updated_at', 'id'], include=('person',), name='followup_open_waiting'),
        ),
    ]
