"""Platform admins' changes in the Django admin land in the audit log, under their territory."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from cabas.audit.admin_log import AuditedAdminMixin
from cabas.audit.models import AuditEntry
from cabas.catalog.models import Category
from cabas.fulfilment.models import CollectionPoint
from cabas.shops.models import Shop, ShopStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin@cabas.example", "x" * 12)
    client.force_login(user)
    client.user = user
    return client


def test_every_model_admin_of_the_site_is_audited():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_an_admin_action_is_logged_under_each_territory_it_touched(admin_client, world_a, world_b):
    url = reverse("admin:shops_shop_changelist")

    response = admin_client.post(
        url,
        {
            "action": "approve",
            "_selected_action": [world_a.pending_shop.pk, world_b.pending_shop.pk],
        },
    )

    assert response.status_code == 302
    assert Shop.objects.get(pk=world_a.pending_shop.pk).status == ShopStatus.APPROVED
    mine = AuditEntry.objects.get(territory=world_a.territory, action="admin.action")
    theirs = AuditEntry.objects.get(territory=world_b.territory, action="admin.action")
    assert mine.actor_label == "admin@cabas.example"
    assert mine.details == {
        "model": "shops.shop",
        "action": "approve",
        "objects": [str(world_a.pending_shop.pk)],
    }
    assert theirs.details["objects"] == [str(world_b.pending_shop.pk)]
    # The operators of A read it in their console's journal, not B's.
    operator = Client()
    operator.force_login(world_a.operator)
    journal = operator.get(
        reverse("console:audit", kwargs={"territory": world_a.territory.slug})
    ).content.decode()
    assert "Action groupée dans l&#x27;administration" in journal
    assert world_a.pending_shop.name in journal
    assert world_b.pending_shop.name not in journal


def test_an_admin_deletion_is_logged_under_the_object_territory(admin_client, world_a):
    point = world_a.point
    url = reverse("admin:fulfilment_collectionpoint_delete", args=[point.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not CollectionPoint.objects.filter(pk=point.pk).exists()
    entry = AuditEntry.objects.get(action="admin.delete")
    assert entry.territory == world_a.territory
    assert (entry.object_type, entry.object_id) == ("fulfilment.collectionpoint", str(point.pk))
    assert entry.object_repr == str(point)


def test_a_bulk_deletion_logs_every_object(admin_client, world_a, world_b):
    url = reverse("admin:fulfilment_collectionpoint_changelist")

    admin_client.post(
        url,
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [world_a.point.pk, world_b.point.pk],
        },
    )

    entries = AuditEntry.objects.filter(action="admin.delete")
    assert sorted(entries.values_list("territory__slug", "object_id")) == sorted(
        [
            (world_a.territory.slug, str(world_a.point.pk)),
            (world_b.territory.slug, str(world_b.point.pk)),
        ]
    )
    assert not AuditEntry.objects.filter(action="admin.action").exists()


def test_admin_additions_and_changes_are_logged_platform_wide_when_the_object_has_no_territory(
    admin_client,
):
    add = admin_client.post(
        reverse("admin:catalog_category_add"),
        {"slug": "fromagerie", "name": "Fromagerie", "name_en": "", "position": "3"},
    )
    category = Category.objects.get(slug="fromagerie")
    change = admin_client.post(
        reverse("admin:catalog_category_change", args=[category.pk]),
        {"slug": "fromagerie", "name": "Fromageries", "name_en": "Cheese", "position": "3"},
    )

    assert add.status_code == change.status_code == 302
    added = AuditEntry.objects.get(action="admin.add")
    changed = AuditEntry.objects.get(action="admin.change")
    assert added.territory is None and changed.territory is None
    assert added.actor == admin_client.user
    assert changed.details["changes"] == [{"changed": {"fields": ["Nom", "Nom (anglais)"]}}]
