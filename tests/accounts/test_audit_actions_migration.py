"""Migration accounts.0013: merges, contact matches and imports, audited as searches before
they had actions of their own, are filed under those actions by their subject."""

import importlib

from django.apps import apps

from accounts.models import AuditEntry

migration = importlib.import_module("accounts.migrations.0013_audit_merge_match_import")


def test_earlier_entries_are_filed_under_their_own_action_by_their_subject(db):
    def entry(subject, action="search"):
        return AuditEntry.objects.create(username="yte", action=action, subject=subject).pk

    merged, typed, checked, imported = (
        entry(subject) for subject in ("merge", "contact", "contacts_checked", "contacts_imported")
    )
    searched, listed = entry(""), entry("duplicates_cccd")
    viewed = entry("contacts", action="view_list")

    migration.refile(apps, None)

    actions = dict(AuditEntry.objects.values_list("pk", "action"))
    assert [actions[pk] for pk in (merged, typed, checked, imported)] == [
        "merge_people",
        "match_contacts",
        "match_contacts",
        "import_contacts",
    ]
    assert [actions[pk] for pk in (searched, listed, viewed)] == ["search", "search", "view_list"]
    migration.file_back(apps, None)
    back = AuditEntry.objects.filter(pk__in=[merged, typed, checked, imported])
    assert set(back.values_list("action", flat=True)) == {"search"}
