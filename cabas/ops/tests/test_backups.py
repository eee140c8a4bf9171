"""A backup restores to the same rows, on the engine the suite runs on."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cabas.catalog.models import Offer
from cabas.factories import OfferFactory
from cabas.ops.backups import BackupError, backup_create, backup_read, backup_restore

pytestmark = pytest.mark.django_db(transaction=True)


def test_restore_brings_back_every_row_and_checks_the_manifest(tmp_path):
    offers = OfferFactory.create_batch(3, stock=7)
    backup = backup_create(tmp_path)
    assert backup.manifest["tables"]["catalog_offer"]["rows"] == 3

    # Damage after the backup: a price change, a deletion, a new row.
    Offer.objects.filter(pk=offers[0].pk).update(price_cents=1)
    Offer.objects.filter(pk=offers[1].pk).delete()
    OfferFactory()

    diff = backup_restore(backup.path)

    assert diff == {}
    assert sorted(Offer.objects.values_list("pk", flat=True)) == sorted(o.pk for o in offers)
    assert Offer.objects.get(pk=offers[0].pk).price_cents == offers[0].price_cents
    if connection.vendor == "postgresql":
        # pg_restore brings no planner statistics: the restore analyses the tables.
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'catalog_offer'")
            assert cursor.fetchone()[0] == 3


def test_a_tampered_backup_is_reported(tmp_path):
    OfferFactory(stock=3)
    backup = backup_create(tmp_path)
    manifest = json.loads((backup.path / "manifest.json").read_text())
    manifest["tables"]["catalog_offer"]["rows"] = 99
    (backup.path / "manifest.json").write_text(json.dumps(manifest))

    diff = backup_restore(backup.path)

    assert set(diff) == {"catalog_offer"}


def test_commands_round_trip_and_refuse_bad_input(tmp_path, capsys):
    OfferFactory()
    call_command("backup_database", output=str(tmp_path))
    [folder] = list(tmp_path.iterdir())
    call_command("restore_database", str(folder), yes=True)
    assert "restored and verified" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("restore_database", str(tmp_path / "missing"), yes=True)
    with pytest.raises(BackupError):
        backup_read(tmp_path)
