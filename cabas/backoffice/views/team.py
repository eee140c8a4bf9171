"""The shop's team (owners invite and remove) and its API tokens (owners only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cabas.apitokens.selectors import shop_api_tokens
from cabas.apitokens.services import api_token_create, api_token_revoke

from .. import selectors
from ..access import merchant_view
from ..errors import TeamError
from ..feeds import services as feeds
from ..forms import FeedForm, InviteForm, TokenForm
from ..models import StockFeed
from ..selectors import MemberShop
from ..team import services as team_services
from .common import render_shop


def _team_redirect(member: MemberShop) -> HttpResponse:
    return redirect("backoffice:team", territory=member.shop.territory.slug, shop=member.shop.slug)


def _team_page(request: HttpRequest, member: MemberShop, form: InviteForm, status: int = 200):
    return render_shop(
        request,
        member,
        "backoffice/team.html",
        {
            "team": selectors.shop_team(member.shop),
            "invitations": selectors.shop_open_invitations(member.shop),
            "form": form,
        },
        section="team",
        status=status,
    )


@merchant_view()
@require_http_methods(["GET", "HEAD"])
def team(request: HttpRequest, member: MemberShop) -> HttpResponse:
    return _team_page(request, member, InviteForm())


@merchant_view(owner_only=True)
@require_POST
def team_invite(request: HttpRequest, member: MemberShop) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        accept = request.build_absolute_uri(
            reverse("backoffice:invitation_accept", args=["TOKEN"])
        ).replace("TOKEN", "{token}")
        try:
            team_services.team_invite(
                shop=member.shop,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,  # type: ignore[arg-type]
                accept_url_template=accept,
            )
        except TeamError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return _team_redirect(member)
    return _team_page(request, member, form, status=400)


@merchant_view(owner_only=True)
@require_POST
def invitation_revoke(request: HttpRequest, member: MemberShop, invitation_id: int) -> HttpResponse:
    if not team_services.team_revoke_invitation(shop=member.shop, invitation_id=invitation_id):
        raise Http404("unknown invitation")
    messages.success(request, _("Invitation annulée."))
    return _team_redirect(member)


@merchant_view(owner_only=True)
@require_POST
def team_remove(request: HttpRequest, member: MemberShop, membership_id: int) -> HttpResponse:
    try:
        team_services.team_remove(shop=member.shop, membership_id=membership_id)
    except TeamError as error:
        if error.code == "not_found":
            raise Http404("unknown member") from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("Membre retiré de l'équipe."))
    return _team_redirect(member)


@merchant_view(owner_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest, member: MemberShop) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        _token, created = api_token_create(
            territory=member.shop.territory,
            shop=member.shop,
            name=form.cleaned_data["name"],
            created_by_id=request.user.pk,
        )
        form = TokenForm()
    return _api_page(request, member, form, created=created)


def _api_page(request, member, form, *, created=None, feed_form=None, status=200) -> HttpResponse:
    feed = StockFeed.objects.filter(territory_id=member.shop.territory_id, shop=member.shop).first()
    if feed_form is None:
        initial = (
            {
                "url": feed.url,
                "interval_minutes": feed.interval_minutes,
                "is_active": feed.is_active,
            }
            if feed
            else None
        )
        feed_form = FeedForm(initial=initial)
    return render_shop(
        request,
        member,
        "backoffice/api_tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": shop_api_tokens(member.shop),
            "api_base": request.build_absolute_uri("/api/v1/merchant/"),
            "feed": feed,
            "feed_form": feed_form,
        },
        section="api",
        status=status,
    )


@merchant_view(owner_only=True)
@require_POST
def feed_save(request: HttpRequest, member: MemberShop) -> HttpResponse:
    feed_form = FeedForm(request.POST)
    if feed_form.is_valid():
        try:
            feeds.feed_save(
                shop=member.shop,
                url=feed_form.cleaned_data["url"],
                interval_minutes=feed_form.cleaned_data["interval_minutes"],
                is_active=feed_form.cleaned_data["is_active"],
            )
        except ValueError as error:
            feed_form.add_error("url", str(error))
        else:
            messages.success(
                request, _("Flux de stock enregistré : première synchronisation lancée.")
            )
            return redirect(
                "backoffice:api_tokens", territory=member.shop.territory.slug, shop=member.shop.slug
            )
    return _api_page(request, member, TokenForm(), feed_form=feed_form, status=400)


@merchant_view(owner_only=True)
@require_POST
def feed_pull_now(request: HttpRequest, member: MemberShop) -> HttpResponse:
    if feeds.feed_pull_now(shop=member.shop) is None:
        raise Http404("no feed")
    messages.success(request, _("Synchronisation demandée : l'état se met à jour dans un instant."))
    return redirect(
        "backoffice:api_tokens", territory=member.shop.territory.slug, shop=member.shop.slug
    )


@merchant_view(owner_only=True)
@require_POST
def api_token_delete(request: HttpRequest, member: MemberShop, token_id: int) -> HttpResponse:
    if not api_token_revoke(token_id=token_id, shop=member.shop):
        raise Http404("unknown token")
    messages.success(request, _("Jeton révoqué : il ne fonctionne plus."))
    return redirect(
        "backoffice:api_tokens", territory=member.shop.territory.slug, shop=member.shop.slug
    )
