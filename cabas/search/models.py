"""The search index: one document per product on sale, and the territory's vocabulary.

Documents hold text already normalised by :mod:`cabas.search.text`; the full-text index
itself (an FTS5 table on SQLite, a tsvector column on PostgreSQL) is created by the
migrations for the database in use and kept in step with this table by the database.
"""

from django.db import models


class SearchDocument(models.Model):
    """A product that at least one approved shop offers, in its indexed form."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Stems, space-separated, one field per weight of the ranking.
    name_text = models.TextField()
    brand_text = models.TextField(blank=True)
    category_text = models.TextField(blank=True)
    gtin = models.CharField(max_length=14, blank=True)
    # Distinct folded words of the fields above: what the vocabulary counts.
    words = models.TextField(blank=True)
    # Active offers in approved shops: the product's popularity, and the result count
    # when no filter needs the offers themselves.
    offer_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["territory", "category"]),
            models.Index(fields=["territory", "-offer_count"]),
        ]

    def __str__(self) -> str:
        return f"document {self.product_id}"


class SearchTerm(models.Model):
    """A word of the territory's products, for typo correction and did-you-mean."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    term = models.CharField(max_length=40)
    stem = models.CharField(max_length=40)
    document_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["territory", "term"], name="search_term_once"),
        ]
        indexes = [models.Index(fields=["territory", "stem"])]

    def __str__(self) -> str:
        return self.term


class SearchTermKey(models.Model):
    """One SymSpell deletion key of a term: a typed word within one edit of the term
    shares a key with it, so candidates come from an index lookup, never a scan."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=40)
    term = models.ForeignKey(SearchTerm, on_delete=models.CASCADE, related_name="keys")

    class Meta:
        indexes = [models.Index(fields=["territory", "key"])]

    def __str__(self) -> str:
        return self.key


class SearchIndexState(models.Model):
    """The generation of a territory's search index: a random token replaced, in the
    writer's transaction, by every call of an index service for the territory (documents,
    vocabulary or active offers changed). Search caches what it derives from them (query
    plans, text matches, browse counts) under this token, so a cached answer never
    outlives what it was read from. A token, not a counter: a rolled back change must not
    hand its number to a later, different one."""

    territory = models.OneToOneField(
        "territories.Territory", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"search index {self.territory_id}: {self.generation}"


class SearchStemRank(models.Model):
    """The per-stem top list: one row per (document, indexed term) with the engine's
    score of the document for that term alone (SQLite: FTS5's bm25 without its inverse
    document frequency, a constant for one term; PostgreSQL: ``ts_rank`` of the term's
    lexeme, which reads the document alone). A query of one frequent word reads its best
    documents from ``search_stemrank_top`` instead of scoring every document holding it
    (:mod:`cabas.search.ranklists`). Written with the documents by the index services."""

    # Indexed first in search_stemrank_top: no index of its own.
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # SQLite: a token of the document's stemmed fields; PostgreSQL: a lexeme of its vector.
    stem = models.CharField(max_length=100)
    product_id = models.BigIntegerField()
    score = models.FloatField()
    # The document's, copied so that the best N are read from the index alone.
    offer_count = models.PositiveIntegerField(default=0)
    category_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                # The last two are read, not searched: the best N come from the index alone.
                fields=["territory", "stem", "-score", "product_id", "offer_count", "category_id"],
                name="search_stemrank_top",
            ),
            models.Index(fields=["product_id"], name="search_stemrank_product"),
        ]

    def __str__(self) -> str:
        return f"{self.stem}: {self.product_id} ({self.score:.3f})"


class SearchShopCount(models.Model):
    """Active offers of each approved shop by the category of their product's document:
    what browsing a few shops counts (facets and total), read from these rows instead of
    joining every offer of those shops to its document (:mod:`cabas.search.shopcounts`).
    Written by the index services in the transaction that replaces the index generation."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    shop_id = models.BigIntegerField()
    category_id = models.BigIntegerField(null=True, blank=True)
    offer_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # offer_count is read, not searched: the counts come from the index alone.
            models.Index(
                fields=["shop_id", "category_id", "offer_count"], name="search_shopcount_shop"
            ),
            models.Index(fields=["territory"], name="search_shopcount_territory"),
        ]

    def __str__(self) -> str:
        return f"shop {self.shop_id}, category {self.category_id}: {self.offer_count}"
