"""A covering index for the offer stage of search.

Search counts and ranks the active offers of its best-matching products by shop, stock
and price; with every column it reads in one partial index, SQLite and PostgreSQL answer
from the index alone instead of reading each offer row.
"""

from django.db import migrations

SQLITE = (
    "CREATE INDEX IF NOT EXISTS search_offer_window "
    "ON catalog_offer (product_id, shop_id, stock, price_cents) WHERE is_active"
)
POSTGRES = (
    "CREATE INDEX IF NOT EXISTS search_offer_window "
    "ON catalog_offer (product_id, shop_id) INCLUDE (stock, price_cents) WHERE is_active"
)
DROP = "DROP INDEX IF EXISTS search_offer_window"


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index"), ("catalog", "0002_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
