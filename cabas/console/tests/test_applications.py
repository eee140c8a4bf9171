"""Shop applications and statuses: decisions, the merchant's e-mail after commit, the log."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from cabas.audit.models import AuditEntry
from cabas.backoffice.models import JoinRequest
from cabas.console import services
from cabas.console.errors import ConsoleError
from cabas.factories import ShopFactory, UserFactory
from cabas.shops.models import ShopMembership, ShopStatus
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain

pytestmark = pytest.mark.django_db


def _application_url(world, request_id=None):
    return reverse(
        "console:application",
        kwargs={
            "territory": world.territory.slug,
            "request_id": request_id or world.application.pk,
        },
    )


def test_pending_applications_are_listed(operator_client, world_a, world_b):
    html = operator_client.get(
        reverse("console:applications", kwargs={"territory": world_a.territory.slug})
    ).content.decode()

    assert world_a.pending_shop.name in html
    assert world_b.pending_shop.name not in html


def test_approving_a_creation_puts_the_shop_online_and_mails_the_merchant(operator_client, world_a):
    response = operator_client.post(
        _application_url(world_a), {"decision": "approve", "message": "Bienvenue !"}
    )

    assert response.status_code == 302
    world_a.application.refresh_from_db()
    world_a.pending_shop.refresh_from_db()
    assert world_a.application.status == JoinRequest.Status.APPROVED
    assert world_a.application.decided_by == world_a.operator
    assert world_a.pending_shop.status == ShopStatus.APPROVED
    # The e-mail is a queued task, sent by the worker once the decision committed.
    assert mail.outbox == []
    assert tasks_drain() == 1
    (email,) = mail.outbox
    assert email.to == ["candidat@aval.example"]
    assert "acceptée" in email.subject and world_a.pending_shop.name in email.subject
    assert "Bienvenue !" in email.body
    entry = AuditEntry.objects.get(territory=world_a.territory, action="application.approve")
    assert entry.actor == world_a.operator and entry.object_id == str(world_a.pending_shop.pk)


def test_approving_a_claim_makes_the_claimant_owner(operator_client, world_a):
    claimant = UserFactory(email="repreneur@aval.example")
    claim = JoinRequest.objects.create(
        territory=world_a.territory,
        shop=world_a.shop,
        user=claimant,
        kind=JoinRequest.Kind.CLAIM,
    )

    operator_client.post(_application_url(world_a, claim.pk), {"decision": "approve"})

    assert ShopMembership.objects.get(shop=world_a.shop, user=claimant).role == "owner"


def test_refusing_needs_a_message_and_changes_nothing_without_one(operator_client, world_a):
    response = operator_client.post(
        _application_url(world_a), {"decision": "refuse", "message": "  "}
    )

    assert response.status_code == 400
    assert "Expliquez la raison au commerçant" in response.content.decode()
    world_a.application.refresh_from_db()
    assert world_a.application.status == JoinRequest.Status.PENDING
    assert not Task.objects.exists()
    assert not AuditEntry.objects.filter(action="application.refuse").exists()


def test_refusing_a_creation_sends_the_shop_back_to_draft_with_the_reason(operator_client, world_a):
    operator_client.post(
        _application_url(world_a),
        {"decision": "refuse", "message": "Adresse hors du territoire."},
    )

    world_a.application.refresh_from_db()
    world_a.pending_shop.refresh_from_db()
    assert world_a.application.status == JoinRequest.Status.REJECTED
    assert world_a.pending_shop.status == ShopStatus.DRAFT
    tasks_drain()
    (email,) = mail.outbox
    assert "n'a pas été retenue" in email.subject
    assert "Adresse hors du territoire." in email.body


def test_a_decided_application_cannot_be_decided_again(operator_client, world_a):
    operator_client.post(_application_url(world_a), {"decision": "approve"})

    response = operator_client.post(
        _application_url(world_a), {"decision": "refuse", "message": "Finalement non."}
    )

    assert response.status_code == 400
    assert "Cette demande a déjà été traitée" in response.content.decode()
    world_a.application.refresh_from_db()
    assert world_a.application.status == JoinRequest.Status.APPROVED
    with pytest.raises(ConsoleError) as error:
        services.application_decide(
            territory=world_a.territory,
            request_id=world_a.application.pk,
            approve=False,
            message="Non.",
            actor=world_a.operator,
        )
    assert error.value.code == "application_decided"


@pytest.mark.django_db(transaction=True)
def test_a_decision_that_rolls_back_sends_no_email(world_a):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.application_decide(
            territory=world_a.territory,
            request_id=world_a.application.pk,
            approve=True,
            message="",
            actor=world_a.operator,
        )
        raise Boom

    assert tasks_drain() == 0
    assert mail.outbox == []
    world_a.application.refresh_from_db()
    assert world_a.application.status == JoinRequest.Status.PENDING


def test_suspending_and_reactivating_a_shop_tells_its_owners(operator_client, world_a):
    url = reverse(
        "console:shop_status",
        kwargs={"territory": world_a.territory.slug, "shop_id": world_a.shop.pk},
    )

    refused = operator_client.post(url, {"status": "suspended", "message": ""})
    assert refused.status_code == 400
    world_a.shop.refresh_from_db()
    assert world_a.shop.status == ShopStatus.APPROVED

    operator_client.post(url, {"status": "suspended", "message": "Contrôle d'hygiène."})
    world_a.shop.refresh_from_db()
    assert world_a.shop.status == ShopStatus.SUSPENDED
    shop_page = operator_client.get(
        reverse(
            "web:shop_detail",
            kwargs={"territory": world_a.territory.slug, "shop": world_a.shop.slug},
        )
    )
    assert shop_page.status_code == 404

    operator_client.post(url, {"status": "approved", "message": ""})
    world_a.shop.refresh_from_db()
    assert world_a.shop.status == ShopStatus.APPROVED
    tasks_drain()
    assert [m.to for m in mail.outbox] == [["gerant@aval.example"], ["gerant@aval.example"]]
    assert "suspendu" in mail.outbox[0].subject and "Contrôle d'hygiène." in mail.outbox[0].body
    assert "de nouveau en ligne" in mail.outbox[1].subject
    assert list(
        AuditEntry.objects.filter(territory=world_a.territory, object_id=str(world_a.shop.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["shop.suspend", "shop.reactivate"]


def test_an_illegal_status_move_is_refused(world_a):
    draft = ShopFactory(territory=world_a.territory, status=ShopStatus.DRAFT)

    with pytest.raises(ConsoleError) as error:
        services.shop_set_status(
            territory=world_a.territory,
            shop_id=draft.pk,
            status=ShopStatus.SUSPENDED,
            message="Non.",
            actor=world_a.operator,
        )

    assert error.value.code == "illegal_status_move"
    draft.refresh_from_db()
    assert draft.status == ShopStatus.DRAFT


def test_approving_a_pending_shop_settles_its_creation_request(world_a):
    services.shop_set_status(
        territory=world_a.territory,
        shop_id=world_a.pending_shop.pk,
        status=ShopStatus.APPROVED,
        message="",
        actor=world_a.operator,
    )

    world_a.application.refresh_from_db()
    assert world_a.application.status == JoinRequest.Status.APPROVED


def test_changing_a_shop_category_is_logged(operator_client, world_a):
    from cabas.factories import CategoryFactory

    cheese = CategoryFactory(slug="fromagerie", name="Fromagerie")
    url = reverse(
        "console:shop_category",
        kwargs={"territory": world_a.territory.slug, "shop_id": world_a.shop.pk},
    )

    operator_client.post(url, {"category": str(cheese.pk)})
    bad = operator_client.post(url, {"category": "999999"})

    world_a.shop.refresh_from_db()
    assert world_a.shop.category == cheese
    assert bad.status_code == 400
    assert AuditEntry.objects.get(action="shop.category").details["to"] == "Fromagerie"


def test_the_console_and_the_impact_page_speak_english(operator_client, world_a):
    slug = world_a.territory.slug

    console = operator_client.get(f"/en/{slug}/console/demandes/").content.decode()
    impact = operator_client.get(f"/en/{slug}/impact/").content.decode()
    page = operator_client.get(f"/en/{slug}/pages/mentions-legales/").content.decode()

    assert "Merchants' requests" in console and "1 pending request" in console
    assert "The platform's impact in Aval" in impact and "Download as JSON" in impact
    assert "Legal notice" in page  # the footer link; the text is the operator's, in French
