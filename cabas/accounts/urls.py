from django.urls import path

from . import money_views, views

app_name = "accounts"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe-oublie/", views.password_reset, name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "nouveau-mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("nouveau-mot-de-passe/termine/", views.password_reset_done, name="password_reset_done"),
    path("cheques-et-cartes/", money_views.my_cards, name="cards"),
    path("points/", money_views.my_points, name="points"),
]
