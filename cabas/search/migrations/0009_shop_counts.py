"""Per-shop category counts (:mod:`cabas.search.shopcounts`), filled from the offers and
documents already indexed."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from cabas.search.shopcounts import fill_every_territory

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        fill_every_territory(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_stem_rank"),
        ("territories", "0002_territory_branding_and_defaults"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchShopCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("shop_id", models.BigIntegerField()),
                ("category_id", models.BigIntegerField(blank=True, null=True)),
                ("offer_count", models.PositiveIntegerField(default=0)),
                (
                    "territory",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="territories.territory",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["shop_id", "category_id", "offer_count"],
                        name="search_shopcount_shop",
                    ),
                    models.Index(fields=["territory"], name="search_shopcount_territory"),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
