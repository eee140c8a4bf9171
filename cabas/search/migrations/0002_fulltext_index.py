"""The full-text index of search documents, for the database in use.

SQLite: an external-content FTS5 table kept in step with ``search_searchdocument`` by
triggers. PostgreSQL: the ``cabas_french`` text-search configuration (unaccent, then the
Snowball French stemmer, no stop words), a generated tsvector column and its GIN index,
and ``pg_trgm`` on the vocabulary.

A later migration that alters ``search_searchdocument`` on SQLite makes Django rebuild the
table, which drops its triggers: such a migration must run SQLITE_TRIGGERS again.
"""

from django.db import migrations

SQLITE_FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    territory_id, name_text, brand_text, category_text, gtin,
    content='search_searchdocument', content_rowid='product_id',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'
)
"""

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER search_fts_after_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, territory_id, name_text, brand_text, category_text, gtin)
        VALUES (new.product_id, new.territory_id, new.name_text, new.brand_text,
                new.category_text, new.gtin);
    END
    """,
    """
    CREATE TRIGGER search_fts_after_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, territory_id, name_text, brand_text,
                               category_text, gtin)
        VALUES ('delete', old.product_id, old.territory_id, old.name_text, old.brand_text,
                old.category_text, old.gtin);
    END
    """,
    """
    CREATE TRIGGER search_fts_after_update
    AFTER UPDATE OF product_id, territory_id, name_text, brand_text, category_text, gtin
    ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, territory_id, name_text, brand_text,
                               category_text, gtin)
        VALUES ('delete', old.product_id, old.territory_id, old.name_text, old.brand_text,
                old.category_text, old.gtin);
        INSERT INTO search_fts(rowid, territory_id, name_text, brand_text, category_text, gtin)
        VALUES (new.product_id, new.territory_id, new.name_text, new.brand_text,
                new.category_text, new.gtin);
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_after_insert",
    "DROP TRIGGER IF EXISTS search_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH DICTIONARY cabas_french_stem (TEMPLATE = snowball, LANGUAGE = french)",
    "CREATE TEXT SEARCH CONFIGURATION cabas_french (COPY = pg_catalog.simple)",
    """
    ALTER TEXT SEARCH CONFIGURATION cabas_french
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, cabas_french_stem
    """,
    """
    ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('cabas_french'::regconfig, name_text), 'A')
        || setweight(to_tsvector('cabas_french'::regconfig, gtin), 'A')
        || setweight(to_tsvector('cabas_french'::regconfig, brand_text), 'B')
        || setweight(to_tsvector('cabas_french'::regconfig, category_text), 'C')
    ) STORED
    """,
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)",
    """
    CREATE INDEX search_term_trigram ON search_searchterm
    USING gin (term gin_trgm_ops)
    """,
]

POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_term_trigram",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS cabas_french",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS cabas_french_stem",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, [SQLITE_FTS, *SQLITE_TRIGGERS])
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
