"""Index tuning after measuring at a million offers.

SQLite: the territory leaves the full-text index. Matching it as a word made every query
walk the list of all the territory's documents; search now joins the documents table and
filters on ``territory_id`` there, so only the documents holding the words typed are read.
The FTS5 table is rebuilt from ``search_searchdocument`` (its content table). And the
covering offer index of 0003 becomes (product_id, is_active, …), not partial: SQLite's
planner, which counts the columns an index matches, preferred the model's
(product_id, is_active) index to the partial one and read every offer row.

PostgreSQL: the trigram index on the vocabulary goes. Typo candidates come from the
SymSpell deletion keys on both databases (every word one edit away, the same answer on
both); trigram similarity misses swaps in short words (``tomtae``/``tomate``: 0.27, under
pg_trgm's 0.3 threshold).
"""

from django.db import migrations

FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    territory_id UNINDEXED, name_text, brand_text, category_text, gtin,
    content='search_searchdocument', content_rowid='product_id',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'
)
"""
FTS_BEFORE = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    territory_id, name_text, brand_text, category_text, gtin,
    content='search_searchdocument', content_rowid='product_id',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'
)
"""
REBUILD = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"


TRIGRAM_INDEX = (
    "CREATE INDEX search_term_trigram ON search_searchterm USING gin (term gin_trgm_ops)"
)


def _recreate_fts(schema_editor, create):
    # The triggers of migration 0002 name the table, not its columns' options: they stay.
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(create)
    schema_editor.execute(REBUILD)


OFFER_WINDOW = (
    "CREATE INDEX search_offer_window "
    "ON catalog_offer (product_id, is_active, shop_id, stock, price_cents)"
)
OFFER_WINDOW_BEFORE = (
    "CREATE INDEX search_offer_window "
    "ON catalog_offer (product_id, shop_id, stock, price_cents) WHERE is_active"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _recreate_fts(schema_editor, FTS)
        schema_editor.execute("DROP INDEX IF EXISTS search_offer_window")
        schema_editor.execute(OFFER_WINDOW)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_term_trigram")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _recreate_fts(schema_editor, FTS_BEFORE)
        schema_editor.execute("DROP INDEX IF EXISTS search_offer_window")
        schema_editor.execute(OFFER_WINDOW_BEFORE)
    elif vendor == "postgresql":
        schema_editor.execute(TRIGRAM_INDEX)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_offer_window_index"), ("catalog", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
