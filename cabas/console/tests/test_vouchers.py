"""Voucher programmes and gift cards in the console: the public path an operator takes.

Figures on the pages are checked against sums recomputed here from the ledger rows;
every refused form is checked to have written nothing (programme, ledger, audit).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cabas.audit.models import AuditEntry
from cabas.factories import ShopFactory, UserFactory
from cabas.ledger.models import Account, Entry, LedgerTransaction
from cabas.shops.models import ShopStatus
from cabas.vouchers.models import ProgrammeStatus, VoucherProgramme
from cabas.vouchers.services import (
    gift_card_issue,
    voucher_programme_create,
    voucher_purchase,
    voucher_redeem,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _url(world, name, **kwargs):
    return reverse(f"console:{name}", kwargs={"territory": world.territory.slug, **kwargs})


def _form(world, **overrides):
    data = {
        "name": "Chèques de printemps",
        "match_rate": "50",
        "cap_per_person": "40",
        "budget": "10 000",
        "valid_from": "2031-03-01T08:00",
        "valid_until": "2031-04-30T20:00",
        "eligible_shops": [str(world.shop.pk)],
        "eligible_categories": [],
    }
    data.update(overrides)
    return data


def make_programme(world, **overrides):
    now = timezone.now()
    params = {
        "territory": world.territory,
        "name": f"Programme de {world.territory.slug}",
        "match_rate_bp": 5000,
        "cap_per_person_cents": 5000,
        "budget_cents": 100_000,
        "valid_from": now - dt.timedelta(days=1),
        "valid_until": now + dt.timedelta(days=30),
    }
    params.update(overrides)
    return voucher_programme_create(**params)


def _nothing_written() -> tuple:
    return (
        VoucherProgramme.objects.count(),
        LedgerTransaction.objects.count(),
        AuditEntry.objects.filter(action__startswith="voucher_programme").count(),
    )


def test_an_operator_creates_a_draft_programme_with_local_dates(operator_client, world_a):
    response = operator_client.post(_url(world_a, "programme_new"), _form(world_a))

    programme = VoucherProgramme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(world_a, "programme", programme_id=programme.pk)
    assert programme.territory == world_a.territory
    assert programme.status == ProgrammeStatus.DRAFT
    assert programme.match_rate_bp == 5000
    assert programme.cap_per_person_cents == 4000
    assert programme.budget_cents == 1_000_000
    # 08:00 in Paris in March (winter time) is 07:00 UTC.
    assert programme.valid_from == dt.datetime(2031, 3, 1, 7, tzinfo=dt.UTC)
    assert programme.valid_until == dt.datetime(2031, 4, 30, 18, tzinfo=dt.UTC)
    assert list(programme.eligible_shops.all()) == [world_a.shop]
    assert Account.objects.get(pk=programme.funder_account_id).balance_cents == 1_000_000
    entry = AuditEntry.objects.get(action="voucher_programme.create")
    assert entry.territory == world_a.territory
    assert entry.actor == world_a.operator
    assert entry.details["budget_cents"] == 1_000_000


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"budget": "-100"}, "Le montant ne peut pas être négatif."),
        ({"budget": "0"}, "Le budget doit être supérieur à zéro."),
        ({"cap_per_person": "-5"}, "Le montant ne peut pas être négatif."),
        ({"cap_per_person": "0"}, "Le plafond par personne doit être supérieur à zéro."),
        ({"match_rate": "0"}, "L&#x27;abondement est compris entre 0,01 % et 1 000 %."),
        ({"match_rate": "-10"}, "L&#x27;abondement est compris entre 0,01 % et 1 000 %."),
        ({"match_rate": "1001"}, "L&#x27;abondement est compris entre 0,01 % et 1 000 %."),
        ({"match_rate": "beaucoup"}, "Indiquez un pourcentage"),
        ({"valid_until": "2031-02-01T08:00"}, "La fin de validité doit suivre son début."),
        ({"name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_programme_input_gets_a_french_error_and_saves_nothing(
    operator_client, world_a, overrides, message
):
    before = _nothing_written()

    response = operator_client.post(_url(world_a, "programme_new"), _form(world_a, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Rien n’a été enregistré" in response.content.decode()
    assert _nothing_written() == before


def test_a_shop_of_another_territory_is_refused_and_nothing_is_saved(
    operator_client, world_a, world_b
):
    before = _nothing_written()
    data = _form(world_a, eligible_shops=[str(world_a.shop.pk), str(world_b.shop.pk)])

    response = operator_client.post(_url(world_a, "programme_new"), data)

    assert response.status_code == 400
    assert "Un commerce choisi n&#x27;appartient pas à ce territoire." in response.content.decode()
    assert _nothing_written() == before


def test_the_list_shows_rate_budget_and_figures_recomputed_from_the_ledger(
    operator_client, world_a, world_b
):
    programme = make_programme(world_a, budget_cents=20_000)
    make_programme(world_b, name="Programme de B")
    shopper, other = UserFactory(), UserFactory()
    now = timezone.now()
    first = voucher_purchase(programme=programme, user=shopper, amount_cents=3000, now=now)
    voucher_purchase(programme=programme, user=other, amount_cents=2001, now=now)
    voucher_redeem(
        code=first.code, shop=world_a.shop, amount_cents=1234, reference="o:1", idempotency_key="k1"
    )

    response = operator_client.get(_url(world_a, "programmes"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Programme de B" not in html
    assert "+50\u00a0%" in html
    # Independent sums over the raw ledger rows of this programme's accounts.
    funder = Account.objects.get(pk=programme.funder_account_id)
    matched = -sum(
        Entry.objects.filter(account=funder, transaction__kind="voucher_purchase").values_list(
            "amount_cents", flat=True
        )
    )
    redeemed = -sum(
        Entry.objects.filter(
            account__owner_ref__in=[f"voucher:{v.pk}" for v in programme.vouchers.all()],
            transaction__kind="voucher_redemption",
        ).values_list("amount_cents", flat=True)
    )
    assert (matched, redeemed) == (1500 + 1000, 1234)
    row = next(p for p in response.context["programmes"] if p.pk == programme.pk)
    assert (row.committed_cents, row.remaining_cents, row.redeemed_cents) == (
        matched,
        funder.balance_cents,
        redeemed,
    )
    assert row.sold == 2 and row.participant_count == 2
    assert row.budget_cents == row.committed_cents + row.remaining_cents
    for figure in ("200,00", "25,00", "175,00", "12,34"):
        assert figure in html


def test_the_list_takes_a_constant_number_of_queries(operator_client, world_a):
    make_programme(world_a)
    with CaptureQueriesContext(connection) as one:
        operator_client.get(_url(world_a, "programmes"))
    for index in range(4):
        make_programme(world_a, name=f"Programme {index}")
    with CaptureQueriesContext(connection) as five:
        response = operator_client.get(_url(world_a, "programmes"))

    assert len(response.context["programmes"]) == 5
    assert len(five) == len(one)


def test_status_moves_along_the_table_and_each_is_audited(operator_client, world_a):
    programme = make_programme(world_a, status=ProgrammeStatus.DRAFT)
    url = _url(world_a, "programme_status", programme_id=programme.pk)

    assert operator_client.post(url, {"status": "active"}).status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.ACTIVE
    operator_client.post(url, {"status": "draft"})  # illegal: back to draft
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.ACTIVE
    operator_client.post(url, {"status": "closed"})
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.CLOSED
    response = operator_client.post(url, {"status": "active"}, follow=True)

    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.CLOSED
    assert "ne peut pas passer à" in response.content.decode()
    assert list(
        AuditEntry.objects.filter(object_id=str(programme.pk))
        .exclude(action="voucher_programme.create")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["voucher_programme.activate", "voucher_programme.close"]


def test_a_top_up_posts_funders_to_budget_once_even_when_replayed(operator_client, world_a):
    programme = make_programme(world_a, budget_cents=10_000)
    url = _url(world_a, "programme_top_up", programme_id=programme.pk)

    first = operator_client.post(url, {"amount": "250,50", "key": "cle-1"})
    again = operator_client.post(url, {"amount": "250,50", "key": "cle-1"})

    assert first.status_code == again.status_code == 302
    programme.refresh_from_db()
    assert programme.budget_cents == 10_000 + 25_050
    top_up = LedgerTransaction.objects.get(kind="voucher_programme_top_up")
    legs = sorted(top_up.entries.values_list("account__kind", "account__owner_ref", "amount_cents"))
    assert legs == [
        ("external", "funders", -25_050),
        ("funder_budget", f"programme:{programme.pk}", 25_050),
    ]
    assert Account.objects.get(pk=programme.funder_account_id).balance_cents == 35_050
    assert AuditEntry.objects.filter(action="voucher_programme.top_up").count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-50", "Le montant ne peut pas être négatif."),
        ("0", "Le montant ajouté doit être supérieur à zéro."),
        ("douze", "Indiquez un montant en euros"),
        ("12,345", "au plus deux décimales"),
        ("3.999 €", "au plus deux décimales"),
    ],
)
def test_a_bad_top_up_is_refused_and_moves_nothing(operator_client, world_a, amount, message):
    programme = make_programme(world_a, budget_cents=10_000)
    before = (LedgerTransaction.objects.count(), AuditEntry.objects.count())

    response = operator_client.post(
        _url(world_a, "programme_top_up", programme_id=programme.pk),
        {"amount": amount, "key": "cle"},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    programme.refresh_from_db()
    assert programme.budget_cents == 10_000
    assert (LedgerTransaction.objects.count(), AuditEntry.objects.count()) == before


def test_a_closed_programme_takes_no_top_up(operator_client, world_a):
    programme = make_programme(world_a, status=ProgrammeStatus.CLOSED)

    response = operator_client.post(
        _url(world_a, "programme_top_up", programme_id=programme.pk), {"amount": "10", "key": "k"}
    )

    assert response.status_code == 400
    assert "Un programme clos ne reçoit plus de budget." in response.content.decode()
    assert not LedgerTransaction.objects.filter(kind="voucher_programme_top_up").exists()


def test_editing_changes_rules_but_never_money(operator_client, world_a):
    programme = make_programme(world_a)
    other_shop = ShopFactory(territory=world_a.territory, name="Librairie du port")
    data = _form(
        world_a,
        name="Nouveau nom",
        eligible_shops=[str(other_shop.pk)],
        match_rate="900",
        budget="1",
        cap_per_person="1",
    )

    response = operator_client.post(
        _url(world_a, "programme_edit", programme_id=programme.pk), data
    )

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Nouveau nom"
    assert list(programme.eligible_shops.all()) == [other_shop]
    assert (programme.match_rate_bp, programme.budget_cents, programme.cap_per_person_cents) == (
        5000,
        100_000,
        5000,
    )
    assert programme.valid_from == dt.datetime(2031, 3, 1, 8, tzinfo=PARIS)
    entry = AuditEntry.objects.get(action="voucher_programme.update")
    assert entry.details["name"] == {
        "from": f"Programme de {world_a.territory.slug}",
        "to": "Nouveau nom",
    }
    assert entry.details["eligible_shops"]["to"] == [other_shop.pk]


def test_editing_with_a_foreign_shop_changes_nothing(operator_client, world_a, world_b):
    programme = make_programme(world_a)
    data = _form(world_a, name="Autre", eligible_shops=[str(world_b.shop.pk)])

    response = operator_client.post(
        _url(world_a, "programme_edit", programme_id=programme.pk), data
    )

    assert response.status_code == 400
    programme.refresh_from_db()
    assert programme.name == f"Programme de {world_a.territory.slug}"
    assert not AuditEntry.objects.filter(action="voucher_programme.update").exists()


def test_the_shop_picker_searches_as_you_type_within_the_territory(
    operator_client, world_a, world_b
):
    ShopFactory(territory=world_a.territory, name="Boulangerie Martin")
    ShopFactory(territory=world_a.territory, name="Boulangerie fermée", status=ShopStatus.DRAFT)
    ShopFactory(territory=world_b.territory, name="Boulangerie de Bourg")

    response = operator_client.get(
        _url(world_a, "programme_shop_search"),
        {"shop_q": "boulang", "eligible_shops": [world_a.shop.pk, world_b.shop.pk]},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Boulangerie Martin" in html
    assert "Boulangerie fermée" not in html and "Bourg" not in html
    # What was ticked stays ticked; another territory's shop is never shown.
    assert f'value="{world_a.shop.pk}" id="commerce-{world_a.shop.pk}" checked' in html
    assert world_b.shop.name not in html


def test_the_picker_works_without_javascript_and_saves_nothing(operator_client, world_a):
    ShopFactory(territory=world_a.territory, name="Fromagerie Lenoir")
    data = _form(world_a, shop_q="fromag", search_shops="1", budget="-5")

    response = operator_client.post(_url(world_a, "programme_new"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fromagerie Lenoir" in html
    assert "Rien n’a été enregistré" not in html
    assert 'value="Chèques de printemps"' in html
    assert VoucherProgramme.objects.count() == 0


def test_the_detail_page_shows_figures_and_participants(operator_client, world_a):
    programme = make_programme(world_a, budget_cents=50_000)
    for _ in range(3):
        voucher_purchase(
            programme=programme, user=UserFactory(), amount_cents=1000, now=timezone.now()
        )

    response = operator_client.get(_url(world_a, "programme", programme_id=programme.pk))

    assert response.status_code == 200
    shown = response.context["programme"]
    assert (shown.participant_count, shown.sold, shown.committed_cents) == (3, 3, 1500)
    assert shown.remaining_cents == 50_000 - 1500


def test_gift_cards_are_listed_with_balance_and_searched_by_their_last_characters(
    operator_client, world_a, world_b
):
    mine = gift_card_issue(territory=world_a.territory, amount_cents=5000, buyer_email="a@b.fr")
    shop_card = gift_card_issue(
        territory=world_a.territory, amount_cents=2000, shop=world_a.shop, buyer_email="c@d.fr"
    )
    theirs = gift_card_issue(territory=world_b.territory, amount_cents=7000, buyer_email="e@f.fr")
    voucher_redeem(
        code=mine.code, shop=world_a.shop, amount_cents=1250, reference="o", idempotency_key="g"
    )

    listing = operator_client.get(_url(world_a, "gift_cards"))
    found = operator_client.get(_url(world_a, "gift_cards"), {"code": mine.code[-4:].lower()})

    assert listing.status_code == 200
    assert {card.pk for card in listing.context["page_obj"]} == {mine.pk, shop_card.pk}
    assert theirs.pk not in {card.pk for card in found.context["page_obj"]}
    html = found.content.decode()
    assert [card.pk for card in found.context["page_obj"]] == [mine.pk]
    assert "37,50" in html  # 50,00 € less 12,50 €
    assert mine.code[:8] not in html  # only the end of a bearer code is ever shown


def test_the_household_cap_is_set_at_creation_when_given(operator_client, world_a):
    operator_client.post(
        _url(world_a, "programme_new"), _form(world_a, cap_per_household="60", name="Foyers")
    )
    operator_client.post(_url(world_a, "programme_new"), _form(world_a, name="Sans plafond"))

    assert VoucherProgramme.objects.get(name="Foyers").cap_per_household_cents == 6000
    assert VoucherProgramme.objects.get(name="Sans plafond").cap_per_household_cents is None
