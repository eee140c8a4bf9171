"""With a replica, every read of a search goes to the database the router picks for the
search tables: the shop fingerprint and index generation too, so the snapshot and the
text cache are keyed on what the search actually read (``cabas.ops.routers``)."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from cabas.ops.routers import REPLICA, pin_to_primary, unpin
from cabas.search import shop_snapshot, sql
from cabas.search.selectors import SearchFilters, search_offers

pytestmark = pytest.mark.django_db(transaction=True)


class _Recorder:
    """``django.db.connections`` for the search modules: notes each alias asked for and
    hands out the default connection (the "replica" of this test is the primary itself)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __getitem__(self, alias: str):
        self.seen.append(alias)
        return connections[DEFAULT_DB_ALIAS]


@pytest.fixture
def replica(settings, monkeypatch):
    settings.DATABASE_ROUTERS = ["cabas.ops.routers.PrimaryReplicaRouter"]
    recorder = _Recorder()
    monkeypatch.setattr(sql, "connections", recorder)
    connections[REPLICA] = connections[DEFAULT_DB_ALIAS]  # for the ORM's .using(alias)
    yield recorder
    delattr(connections._connections, REPLICA)


def _search(territory, query: str = "chocolat") -> list[int]:
    result = search_offers(
        territory=territory, query=query, filters=SearchFilters(), limit=50, at=None
    )
    return [hit.offer_id for hit in result.offers]


def test_every_search_read_goes_to_the_replica_when_the_router_sends_it_there(catalogue, replica):
    found = _search(catalogue.territory)

    assert found
    assert replica.seen and set(replica.seen) == {REPLICA}
    assert (catalogue.territory.id, REPLICA) in shop_snapshot._snapshots


def test_the_fingerprint_reads_the_replica_too(catalogue, replica):
    shop_snapshot.data_generation(catalogue.territory.id)

    assert replica.seen == [REPLICA]


def test_a_pinned_request_and_a_transaction_read_the_primary(catalogue, replica):
    token = pin_to_primary()
    try:
        pinned = _search(catalogue.territory)
    finally:
        unpin(token)
    assert set(replica.seen) == {DEFAULT_DB_ALIAS}
    assert (catalogue.territory.id, DEFAULT_DB_ALIAS) in shop_snapshot._snapshots

    replica.seen.clear()
    with transaction.atomic():
        in_transaction = _search(catalogue.territory)
    assert set(replica.seen) == {DEFAULT_DB_ALIAS}

    replica.seen.clear()
    assert _search(catalogue.territory) == pinned == in_transaction
    assert set(replica.seen) == {REPLICA}
