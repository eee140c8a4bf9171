import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Templates use ``{% static %}``; tests run without ``collectstatic``'s manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
