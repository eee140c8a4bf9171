from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<slug:territory>/impact/", views.impact, name="impact"),
    path("<slug:territory>/impact/donnees.csv", views.open_data_csv, name="open_data_csv"),
    path("<slug:territory>/impact/donnees.json", views.open_data_json, name="open_data_json"),
]
