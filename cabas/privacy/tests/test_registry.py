"""Every foreign key to the user is decided: exported and erased, or a failing test."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

from cabas.privacy.registry import ACTION_FIELDS, ACTOR_LABELS, PLAIN_FIELDS, USER_LINKS


def _user_foreign_keys() -> set[tuple[str, str]]:
    user_model = get_user_model()
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is user_model:
                found.add((model._meta.label, field.name))
    return found


def test_every_foreign_key_to_the_user_is_in_the_registry():
    listed = {(link.model, link.field) for link in USER_LINKS}
    missing = _user_foreign_keys() - listed
    assert not missing, f"Decide export and erasure for {sorted(missing)} in privacy/registry.py"


def test_every_registry_line_names_a_real_foreign_key():
    stale = {(link.model, link.field) for link in USER_LINKS} - _user_foreign_keys()
    assert not stale, f"privacy/registry.py lists fields that do not exist: {sorted(stale)}"


def test_generic_sections_name_columns_that_exist():
    for (label, fk), columns in {**ACTION_FIELDS, **PLAIN_FIELDS}.items():
        model = apps.get_model(label)
        names = {f.attname for f in model._meta.concrete_fields} | {
            f.name for f in model._meta.concrete_fields
        }
        assert fk in names and set(columns) <= names, (label, columns)
    for (label, _fk), column in ACTOR_LABELS.items():
        assert column in {f.name for f in apps.get_model(label)._meta.concrete_fields}
