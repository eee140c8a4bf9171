"""Following shops, merchants' news and the followers' feed on the home page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cabas.backoffice.photos import MAX_PHOTO_BYTES
from cabas.factories import ShopFactory, ShopMembershipFactory
from cabas.habits.models import ShopFollow, ShopNews
from cabas.habits.services import news_post
from cabas.shops.models import ShopStatus


def jpeg(size=(60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def news_url(shop):
    return reverse("backoffice:news", args=[shop.territory.slug, shop.slug])


@pytest.mark.django_db
def test_follow_without_javascript_then_unfollow(client, territory, fromagerie, shopper):
    client.force_login(shopper)
    url = reverse("habits:follow", args=[territory.slug, fromagerie.slug])
    shop_url = reverse("web:shop_detail", args=[territory.slug, fromagerie.slug])

    page = client.get(shop_url).content.decode()
    assert "Suivre ce commerce" in page
    response = client.post(url, {"action": "follow", "next": shop_url}, follow=True)
    assert response.redirect_chain[-1][0] == shop_url
    assert "Vous suivez Fromagerie du Marché" in response.content.decode()
    client.post(url, {"action": "follow"})  # a double click follows once
    assert ShopFollow.objects.filter(user=shopper).count() == 1
    assert "ne plus suivre" in client.get(shop_url).content.decode()

    client.post(url, {"action": "unfollow"})
    assert not ShopFollow.objects.exists()


@pytest.mark.django_db
def test_follow_with_htmx_swaps_the_button(client, territory, fromagerie, shopper):
    client.force_login(shopper)
    url = reverse("habits:follow", args=[territory.slug, fromagerie.slug])
    response = client.post(url, {"action": "follow"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="suivre-{fromagerie.pk}"' in body and "<html" not in body
    assert 'aria-pressed="true"' in body


@pytest.mark.django_db
def test_following_a_suspended_shop_is_refused_clearly(client, territory, shopper):
    suspended = ShopFactory(territory=territory, slug="ferme", status=ShopStatus.SUSPENDED)
    client.force_login(shopper)
    url = reverse("habits:follow", args=[territory.slug, suspended.slug])
    response = client.post(url, {"action": "follow"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "impossible de le suivre" in response.content.decode()
    response = client.post(url, {"action": "follow"}, follow=True)
    assert "impossible de le suivre" in response.content.decode()
    assert not ShopFollow.objects.exists()
    assert (
        client.post(reverse("habits:follow", args=[territory.slug, "inconnu"])).status_code == 404
    )


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, territory, fromagerie):
    url = reverse("habits:follow", args=[territory.slug, fromagerie.slug])
    response = client.post(url, {"action": "follow"})
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    page = client.get(reverse("web:shop_detail", args=[territory.slug, fromagerie.slug]))
    assert "Connectez-vous pour suivre ce commerce" in page.content.decode()


@pytest.mark.django_db
def test_merchant_posts_news_with_a_photo_and_followers_see_it_on_the_home_page(
    client, territory, fromagerie, shopper, other_shopper, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    owner = fromagerie.memberships.get().user
    client.force_login(owner)
    response = client.post(
        news_url(fromagerie),
        {
            "text": "Arrivage de fraises\n  de Plougastel",
            "photo": SimpleUploadedFile("f.jpg", jpeg(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    news = ShopNews.objects.get()
    assert news.text == "Arrivage de fraises\nde Plougastel"
    assert (
        news.photo.startswith("/media/news/")
        and (tmp_path / news.photo.removeprefix("/media/")).exists()
    )

    ShopFollow.objects.create(territory=territory, shop=fromagerie, user=shopper)
    client.force_login(shopper)
    home = client.get(reverse("web:territory_home", args=[territory.slug])).content.decode()
    assert "Mes commerçants" in home and "Arrivage de fraises" in home
    client.force_login(other_shopper)
    home = client.get(reverse("web:territory_home", args=[territory.slug])).content.decode()
    assert "Mes commerçants" in home and "Arrivage de fraises" not in home
    client.logout()
    home = client.get(reverse("web:territory_home", args=[territory.slug])).content.decode()
    assert "Mes commerçants" not in home


@pytest.mark.django_db
def test_news_with_html_oversized_or_fake_images_is_refused_and_nothing_written(
    client, territory, fromagerie, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(fromagerie.memberships.get().user)
    cases = [
        ({"text": "Fermé <script>alert(1)</script> lundi"}, "balises HTML"),
        ({"text": "x" * 281}, "281 caractères"),
        ({"text": "   "}, "Ce champ est obligatoire"),
        (
            {"text": "Photo", "photo": SimpleUploadedFile("f.jpg", b"not an image", "image/jpeg")},
            "pas une image lisible",
        ),
        (
            {
                "text": "Photo",
                "photo": SimpleUploadedFile("big.jpg", b"0" * (MAX_PHOTO_BYTES + 1), "image/jpeg"),
            },
            "la limite est de 8 Mo",
        ),
    ]
    for data, message in cases:
        response = client.post(news_url(fromagerie), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), message
    assert not ShopNews.objects.exists()
    assert not (tmp_path / "news").exists()


@pytest.mark.django_db
def test_a_merchant_cannot_post_or_delete_another_shops_news(client, territory, fromagerie):
    other = ShopFactory(territory=territory, slug="autre")
    stranger = ShopMembershipFactory(shop=other).user
    theirs = news_post(shop=fromagerie, author_id=None, text="Fermé lundi")
    client.force_login(stranger)
    assert client.post(news_url(fromagerie), {"text": "Pirate"}).status_code == 404
    delete = reverse("backoffice:news_delete", args=[territory.slug, other.slug, theirs.pk])
    assert client.post(delete).status_code == 404
    assert ShopNews.objects.filter(pk=theirs.pk).exists()
    assert ShopNews.objects.count() == 1
