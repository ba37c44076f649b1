from django.db import migrations

from declarations.codes import generate_point_token


def give_points(apps, schema_editor):
    Checkpoint = apps.get_model("checkpoints", "Checkpoint")
    DeclarationPoint = apps.get_model("declarations", "DeclarationPoint")
    for checkpoint in Checkpoint.objects.filter(point__isnull=True):
        checkpoint.point = DeclarationPoint.objects.create(
            kind="checkpoint", name=checkpoint.name, token=generate_point_token()
        )
        checkpoint.save(update_fields=["point"])


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0003_bus_checks"),
        ("declarations", "0005_declaration_points"),
    ]

    operations = [migrations.RunPython(give_points, migrations.RunPython.noop)]
