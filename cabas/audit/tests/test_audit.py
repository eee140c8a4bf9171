"""The audit log: written with the change, read by the operators of its territory only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cabas.apitokens.services import api_token_create
from cabas.audit.models import AuditEntry
from cabas.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_refused(world_a):
    with pytest.raises(RuntimeError):
        audit_record(actor=world_a.operator, territory=world_a.territory, action="page.update")


def test_operators_read_their_territory_log_only(operator_client, world_a, world_b):
    operator_client.post(
        reverse(
            "console:shop_status",
            kwargs={"territory": world_a.territory.slug, "shop_id": world_a.shop.pk},
        ),
        {"status": "suspended", "message": "Travaux."},
    )

    html = operator_client.get(
        reverse("console:audit", kwargs={"territory": world_a.territory.slug})
    ).content.decode()

    assert "Commerce suspendu" in html and world_a.shop.name in html
    assert world_a.operator.email in html and "Travaux." in html
    assert world_b.operator.email not in html


def test_the_log_filters_by_action(operator_client, world_a):
    url = reverse("console:audit", kwargs={"territory": world_a.territory.slug})

    html = operator_client.get(url, {"action": "shop.suspend"}).content.decode()

    assert "0 action" in html


def test_the_log_keeps_its_author_after_the_account_is_deleted(world_a):
    world_a.operator.delete()

    entry = AuditEntry.objects.get(pk=world_a.audit_entry.pk)

    assert entry.actor is None and entry.actor_label == "operateur@aval.example"


def test_the_operator_api_lists_the_log(client, world_a, world_b):
    _token, raw = api_token_create(territory=world_a.territory, shop=None, name="Audit")

    data = client.get(
        f"/api/v1/operator/territories/{world_a.territory.slug}/audit",
        headers={"Authorization": f"Bearer {raw}"},
    ).json()

    assert data["count"] == 1
    (row,) = data["results"]
    assert (row["actor"], row["action"], row["label"]) == (
        "operateur@aval.example",
        "page.update",
        "Page modifiée",
    )
