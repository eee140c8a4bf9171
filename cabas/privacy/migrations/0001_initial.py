import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="InactivityWarning",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "last_activity_at",
                    models.DateTimeField(verbose_name="dernière activité constatée"),
                ),
                ("warned_at", models.DateTimeField(verbose_name="prévenu le")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inactivity_warning",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "avertissement d'inactivité",
                "verbose_name_plural": "avertissements d'inactivité",
                "indexes": [
                    models.Index(fields=["warned_at"], name="privacy_ina_warned__fd8500_idx")
                ],
            },
        ),
    ]
