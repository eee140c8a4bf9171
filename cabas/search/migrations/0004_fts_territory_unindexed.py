"""SQLite: the territory leaves the full-text index of search documents.

Matching the territory as a word made every query walk the list of all the territory's
documents; search now joins the documents table and filters on ``territory_id`` there,
so only the documents holding the words typed are read. The FTS5 table is rebuilt from
``search_searchdocument`` (its content table); PostgreSQL is unchanged.
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


def _recreate(schema_editor, create):
    if schema_editor.connection.vendor != "sqlite":
        return
    # The triggers of migration 0002 name the table, not its columns' options: they stay.
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(create)
    schema_editor.execute(REBUILD)


def forwards(apps, schema_editor):
    _recreate(schema_editor, FTS)


def backwards(apps, schema_editor):
    _recreate(schema_editor, FTS_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_offer_window_index")]

    operations = [migrations.RunPython(forwards, backwards)]
