"""Actualités: the merchant posts short news (an arrival, a closure, a photo) that the
shop's followers see on their home page and in their weekly digest."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cabas.habits import selectors as habits_selectors
from cabas.habits import services as habits_services
from cabas.habits.errors import HabitError
from cabas.habits.forms import NewsForm

from ..access import merchant_view
from ..errors import PhotoError
from ..photos import photo_check_size, photo_process
from ..selectors import MemberShop
from .common import render_shop


def _page(
    request: HttpRequest, member: MemberShop, form: NewsForm, status: int = 200
) -> HttpResponse:
    return render_shop(
        request,
        member,
        "backoffice/news.html",
        {
            "form": form,
            "news": habits_selectors.shop_news(shop=member.shop, limit=50),
            "followers": habits_selectors.follower_count(shop=member.shop),
        },
        section="news",
        status=status,
    )


@merchant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def news(request: HttpRequest, member: MemberShop) -> HttpResponse:
    if request.method != "POST":
        return _page(request, member, NewsForm())
    form = NewsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, member, form, status=400)
    upload = form.cleaned_data.get("photo")
    try:
        # The text first: a refused text never leaves a stored photo behind.
        text = habits_services.news_clean_text(form.cleaned_data["text"])
        photo = None
        if upload is not None:
            photo_check_size(upload.size)  # before reading a huge file into memory
            photo = photo_process(upload.read())
        habits_services.news_post(
            shop=member.shop, author_id=request.user.pk, text=text, photo_jpeg=photo
        )
    except (HabitError, PhotoError) as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, member, form, status=400)
    messages.success(request, _("Actualité publiée pour les clients qui suivent votre commerce."))
    return redirect("backoffice:news", territory=member.shop.territory.slug, shop=member.shop.slug)


@merchant_view()
@require_POST
def news_delete(request: HttpRequest, member: MemberShop, news_id: int) -> HttpResponse:
    try:
        habits_services.news_delete(shop=member.shop, news_id=news_id)
    except HabitError:
        # Another shop's news, or already deleted: its existence never leaks.
        raise Http404("unknown news") from None
    messages.success(request, _("Actualité supprimée."))
    return redirect("backoffice:news", territory=member.shop.territory.slug, shop=member.shop.slug)
