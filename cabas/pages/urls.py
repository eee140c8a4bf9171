from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("<slug:territory>/pages/<slug:kind>/", views.page_detail, name="page"),
]
