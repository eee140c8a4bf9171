from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("confidentialite/", views.notice, name="notice"),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("compte/mes-donnees/export.json", views.export_download, name="export"),
    path("compte/mes-donnees/supprimer/", views.erase, name="erase"),
    path(
        "compte/mes-donnees/supprimer/<uidb64>/<token>/",
        views.erase_confirm,
        name="erase_confirm",
    ),
    path("compte/supprime/", views.erased, name="erased"),
]
