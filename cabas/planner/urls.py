from django.urls import path

from . import views

app_name = "planner"

urlpatterns = [
    path("<slug:territory>/ma-liste/", views.plan_page, name="plan"),
    path("<slug:territory>/ma-liste/panier/", views.plan_to_cart, name="to_cart"),
    path("<slug:territory>/ma-liste/enregistrer/", views.list_save, name="save"),
    path("<slug:territory>/ma-liste/<int:pk>/supprimer/", views.list_delete, name="delete"),
]
