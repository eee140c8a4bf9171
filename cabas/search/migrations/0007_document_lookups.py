"""Two more lookups on the search documents, after measuring at a million offers (PostgreSQL).

- Browsing with a category and no words reads the territory's most offered products of
  that category: the ``(territory_id, -offer_count)`` index read 14,000 documents of
  other categories to find 300 (23 ms); ``search_document_popular`` reads only those.
- PostgreSQL: the category of each offer's product, when named shops are browsed, was a
  hash join over every document row (wide: the stemmed texts and the tsvector), 60 ms
  for the 7,000 offers of seven shops; ``search_document_category`` answers it from the
  index alone. SQLite already has ``search_document_match`` (migration 0005).
"""

from django.db import migrations

POPULAR = (
    "CREATE INDEX search_document_popular "
    "ON search_searchdocument (territory_id, category_id, offer_count DESC, product_id)"
)
CATEGORY = (
    "CREATE INDEX search_document_category "
    "ON search_searchdocument (product_id) INCLUDE (category_id)"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        schema_editor.execute(POPULAR)
    if vendor == "postgresql":
        schema_editor.execute(CATEGORY)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        schema_editor.execute("DROP INDEX IF EXISTS search_document_popular")
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_category")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_index_generation")]

    operations = [migrations.RunPython(forwards, backwards)]
