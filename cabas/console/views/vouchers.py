"""Voucher programmes (create, edit, open and close, top up the budget) and gift cards.

Every programme named in a URL is looked up among the territory's own (another
territory's id is a 404), and every shop ticked in a form among the territory's
shops: a shop of elsewhere is refused with a French error and nothing is saved.
"""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cabas.catalog.models import Category
from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.vouchers import selectors as voucher_selectors
from cabas.vouchers import services as voucher_services
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import ProgrammeStatus, VoucherProgramme

from .. import selectors
from ..access import operator_view
from ..voucher_forms import (
    GiftCardSearchForm,
    ProgrammeEditForm,
    ProgrammeForm,
    ShopIdsField,
    TopUpForm,
    household_cap_supported,
)
from .common import attach_error, render_console

GIFT_CARDS_PAGE_SIZE = 50
PICKER_RESULTS = 30
# The status buttons of the detail page: target status → French verb.
MOVE_LABELS = {
    ProgrammeStatus.ACTIVE: gettext_lazy("Ouvrir le programme"),
    ProgrammeStatus.CLOSED: gettext_lazy("Clore le programme"),
}


def _programme_or_404(territory: Territory, programme_id: int) -> VoucherProgramme:
    programme = voucher_selectors.territory_programme(territory, programme_id)
    if programme is None:
        raise Http404("unknown programme")
    return programme


@require_safe
@operator_view
def programmes(request: HttpRequest, territory: Territory) -> HttpResponse:
    return render_console(
        request,
        territory,
        "console/programmes.html",
        {"programmes": list(voucher_selectors.territory_programmes(territory))},
        section="vouchers",
    )


def _posted_ids(data: QueryDict) -> list[int]:
    """The ticked shops of a form being searched (not saved): unreadable ids are dropped."""
    try:
        return ShopIdsField(required=False).clean(data.getlist("eligible_shops"))
    except forms.ValidationError:
        return []


def _picker(territory: Territory, selected_ids: list[int], query: str) -> dict[str, Any]:
    """The shop picker: the ticked shops of this territory, then the approved matches."""
    selected = list(
        Shop.objects.filter(territory=territory, pk__in=selected_ids).order_by("name", "pk")
    )
    return {
        "selected_shops": selected,
        "shop_q": query,
        "candidates": selectors.approved_shops_matching(
            territory, query, exclude=[shop.pk for shop in selected], limit=PICKER_RESULTS
        ),
    }


@require_safe
@operator_view
def programme_shop_search(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The picker's results as a fragment, for htmx (search as you type)."""
    return render(
        request,
        "console/_shop_picker.html",
        {
            "territory": territory,
            **_picker(territory, _posted_ids(request.GET), request.GET.get("shop_q", "")),
        },
    )


def _resolve_rules(
    form: forms.Form, territory: Territory
) -> tuple[list[Shop], list[Category]] | None:
    """The ticked shops and categories as rows; ``None`` (and a form error) if foreign."""
    ids = form.cleaned_data["eligible_shops"]
    shops = list(Shop.objects.filter(territory=territory, pk__in=ids))
    if len(shops) != len(ids):
        form.add_error("eligible_shops", _("Un commerce choisi n'appartient pas à ce territoire."))
        return None
    categories = list(Category.objects.filter(pk__in=form.cleaned_data["eligible_categories"]))
    return shops, categories


def _attach(form: forms.Form, error: VoucherError) -> None:
    field = error.details.get("field") if isinstance(error.details, dict) else None
    attach_error(form, field, error.message)


def _local_text(moment: Any, zone: ZoneInfo) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%dT%H:%M")


def _form_page(
    request: HttpRequest,
    territory: Territory,
    programme: VoucherProgramme | None,
) -> HttpResponse:
    form_class = ProgrammeForm if programme is None else ProgrammeEditForm
    tz = territory.timezone
    selected_ids: list[int] = []
    searching = request.method == "POST" and "search_shops" in request.POST
    if searching:
        # The picker without JavaScript: show the matches, keep what was typed, save nothing.
        selected_ids = _posted_ids(request.POST)
        initial = {
            name: request.POST.getlist(name)
            if name == "eligible_categories"
            else request.POST.get(name, "")
            for name in form_class(tz=tz).fields
            if name != "eligible_shops"
        }
        form = form_class(initial=initial, tz=tz)
    elif request.method == "POST":
        form = form_class(request.POST, tz=tz)
        selected_ids = _posted_ids(request.POST)
        if form.is_valid():
            saved = _save(request, territory, programme, form)
            if saved is not None:
                return redirect("console:programme", territory=territory.slug, programme_id=saved)
    elif programme is not None:
        zone = ZoneInfo(tz)
        selected_ids = list(programme.eligible_shops.values_list("pk", flat=True))
        form = form_class(
            initial={
                "name": programme.name,
                "valid_from": _local_text(programme.valid_from, zone),
                "valid_until": _local_text(programme.valid_until, zone),
                "eligible_categories": list(
                    programme.eligible_categories.values_list("pk", flat=True)
                ),
            },
            tz=tz,
        )
    else:
        form = form_class(tz=tz)
    query = request.POST.get("shop_q", "") if searching else ""
    return render_console(
        request,
        territory,
        "console/programme_form.html",
        {"form": form, "programme": programme, **_picker(territory, selected_ids, query)},
        section="vouchers",
        status=400 if form.is_bound and form.errors else 200,
    )


def _save(
    request: HttpRequest,
    territory: Territory,
    programme: VoucherProgramme | None,
    form: forms.Form,
) -> int | None:
    """Call the service; the saved programme's id, or ``None`` with the error on the form."""
    rules = _resolve_rules(form, territory)
    if rules is None:
        return None
    shops, categories = rules
    data = form.cleaned_data
    try:
        if programme is None:
            extra = {}
            if household_cap_supported() and data.get("cap_per_household"):
                extra["cap_per_household_cents"] = data["cap_per_household"]
            created = voucher_services.voucher_programme_create(
                territory=territory,
                name=data["name"],
                match_rate_bp=data["match_rate"],
                cap_per_person_cents=data["cap_per_person"],
                budget_cents=data["budget"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                eligible_shops=shops,
                eligible_categories=categories,
                status=ProgrammeStatus.DRAFT,
                actor=request.user,  # type: ignore[arg-type]
                **extra,
            )
            messages.success(
                request, _("Programme créé en brouillon : ouvrez-le quand il est prêt.")
            )
            return created.pk
        voucher_services.voucher_programme_update(
            territory=territory,
            programme_id=programme.pk,
            name=data["name"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            eligible_shops=shops,
            eligible_categories=categories,
            actor=request.user,  # type: ignore[arg-type]
        )
    except VoucherError as error:
        if error.code == "programme_not_found":
            raise Http404("unknown programme") from None
        _attach(form, error)
        return None
    messages.success(request, _("Programme enregistré."))
    return programme.pk


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def programme_new(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _form_page(request, territory, None)


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def programme_edit(request: HttpRequest, territory: Territory, programme_id: int) -> HttpResponse:
    programme = _programme_or_404(territory, programme_id)
    if programme.status == ProgrammeStatus.CLOSED:
        messages.error(request, _("Un programme clos ne se modifie plus."))
        return redirect("console:programme", territory=territory.slug, programme_id=programme.pk)
    return _form_page(request, territory, programme)


def _detail(
    request: HttpRequest,
    territory: Territory,
    programme: VoucherProgramme,
    top_up_form: TopUpForm | None = None,
) -> HttpResponse:
    moves = [
        (target, MOVE_LABELS[target])
        for (source, target) in voucher_services.PROGRAMME_MOVES
        if source == programme.status
    ]
    return render_console(
        request,
        territory,
        "console/programme.html",
        {
            "programme": programme,
            "eligible_shops": list(programme.eligible_shops.order_by("name", "pk")),
            "eligible_categories": list(programme.eligible_categories.order_by("name")),
            "moves": moves,
            "top_up_form": top_up_form or TopUpForm(initial={"key": uuid.uuid4().hex}),
            "household_cap": household_cap_supported(),
        },
        section="vouchers",
        status=400 if top_up_form is not None and top_up_form.errors else 200,
    )


@require_safe
@operator_view
def programme(request: HttpRequest, territory: Territory, programme_id: int) -> HttpResponse:
    return _detail(request, territory, _programme_or_404(territory, programme_id))


@require_POST
@operator_view
def programme_status(request: HttpRequest, territory: Territory, programme_id: int) -> HttpResponse:
    found = _programme_or_404(territory, programme_id)
    try:
        moved = voucher_services.voucher_programme_transition(
            territory=territory,
            programme_id=found.pk,
            status=request.POST.get("status", ""),
            actor=request.user,  # type: ignore[arg-type]
        )
    except VoucherError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Programme ouvert : les clients peuvent acheter des chèques.")
            if moved.status == ProgrammeStatus.ACTIVE
            else _("Programme clos : plus aucun chèque ne sera vendu."),
        )
    return redirect("console:programme", territory=territory.slug, programme_id=found.pk)


@require_POST
@operator_view
def programme_top_up(request: HttpRequest, territory: Territory, programme_id: int) -> HttpResponse:
    found = _programme_or_404(territory, programme_id)
    form = TopUpForm(request.POST)
    if form.is_valid():
        try:
            voucher_services.voucher_programme_top_up(
                territory=territory,
                programme_id=found.pk,
                amount_cents=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["key"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except VoucherError as error:
            attach_error(form, "amount", error.message)
        else:
            messages.success(request, _("Budget abondé."))
            return redirect("console:programme", territory=territory.slug, programme_id=found.pk)
    return _detail(request, territory, found, top_up_form=form)


@require_safe
@operator_view
def gift_cards(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = GiftCardSearchForm(request.GET or None)
    code_end = ""
    if form.is_bound and form.is_valid():
        code_end = voucher_selectors.gift_card_search_term(form.cleaned_data["code"])
        if form.cleaned_data["code"] and not code_end:
            form.add_error("code", _("Tapez les derniers caractères du code (lettres, chiffres)."))
    page = Paginator(
        voucher_selectors.territory_gift_cards(territory, code_end=code_end),
        GIFT_CARDS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render_console(
        request,
        territory,
        "console/gift_cards.html",
        {"form": form, "page_obj": page, "code_end": code_end, "now": timezone.now()},
        section="gift_cards",
        status=400 if form.errors else 200,
    )
