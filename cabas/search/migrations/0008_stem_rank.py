"""Per-stem top lists (:mod:`cabas.search.ranklists`), filled from the documents already
indexed."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from cabas.search.ranklists import fill_every_territory

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        fill_every_territory(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_document_lookups"),
        ("territories", "0002_territory_branding_and_defaults"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchStemRank",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stem", models.CharField(max_length=100)),
                ("product_id", models.BigIntegerField()),
                ("score", models.FloatField()),
                ("offer_count", models.PositiveIntegerField(default=0)),
                ("category_id", models.BigIntegerField(blank=True, null=True)),
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
                        fields=[
                            "territory",
                            "stem",
                            "-score",
                            "product_id",
                            "offer_count",
                            "category_id",
                        ],
                        name="search_stemrank_top",
                    ),
                    models.Index(fields=["product_id"], name="search_stemrank_product"),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
