"""The catalogue: the offers table with inline edit, a new offer from a barcode,
photos, and the CSV export.

Inline edit works as a plain form (POST, redirect) and, with htmx, swaps only the
edited row.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cabas.catalog.models import Offer, StockMovement

from .. import selectors, services
from ..access import merchant_view
from ..errors import OfferError, PhotoError
from ..forms import OfferCreateForm, OfferEditForm, OfferFilterForm, PhotoForm
from ..gtin import GtinError, normalise_gtin
from ..imports.export import catalogue_csv
from ..photos import photo_check_size, photo_process, photo_store
from ..reference import product_reference
from ..selectors import MemberShop, OfferFilters
from .common import is_htmx, render_shop

PAGE_SIZE = 50


def _catalogue_url(member: MemberShop) -> str:
    return reverse(
        "backoffice:catalogue",
        kwargs={"territory": member.shop.territory.slug, "shop": member.shop.slug},
    )


def _edit_form(offer: Offer, data=None) -> OfferEditForm:
    initial = {
        "price": f"{offer.price_cents // 100},{offer.price_cents % 100:02d}",
        "stock": "" if offer.stock is None else str(offer.stock),
        "is_active": offer.is_active,
    }
    return OfferEditForm(data, initial=initial, prefix_id=f"offer{offer.pk}")


@merchant_view()
def catalogue(request: HttpRequest, member: MemberShop) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    filters = OfferFilters()
    if form.is_valid():
        filters = OfferFilters(
            q=form.cleaned_data["q"],
            status=form.cleaned_data["status"],
            stock=form.cleaned_data["stock"],
        )
    page = Paginator(selectors.shop_offers(member.shop, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"offer": offer, "form": _edit_form(offer)} for offer in page.object_list]
    template = "backoffice/_offer_table.html" if is_htmx(request) else "backoffice/catalogue.html"
    return render_shop(
        request,
        member,
        template,
        {
            "filter_form": form,
            "page": page,
            "rows": rows,
            "counts": selectors.shop_offer_counts(member.shop),
        },
        section="catalogue",
    )


@merchant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def offer_edit(request: HttpRequest, member: MemberShop, offer_id: int) -> HttpResponse:
    offer = selectors.shop_offer(member.shop, offer_id)
    if offer is None:
        raise Http404("unknown offer")
    form = _edit_form(offer, request.POST if request.method == "POST" else None)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_update(
                shop=member.shop,
                offer=offer,
                change=services.OfferChange(
                    price_cents=form.cleaned_data["price"],
                    stock=form.cleaned_data["stock"],
                    stock_given=True,
                    is_active=form.cleaned_data["is_active"],
                ),
                actor_id=request.user.pk,
                reason=StockMovement.Reason.MANUAL,
            )
        except OfferError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            saved = True
            if not is_htmx(request):
                messages.success(
                    request, _("« %(name)s » enregistré.") % {"name": offer.product.name}
                )
                back = request.POST.get("next", "")
                if not url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    back = _catalogue_url(member)
                return redirect(back)
            form = _edit_form(offer)
    context = {"row": {"offer": offer, "form": form}, "saved": saved}
    if is_htmx(request):
        return render_shop(request, member, "backoffice/_offer_row.html", context)
    return render_shop(
        request,
        member,
        "backoffice/offer_edit.html",
        {**context, "photo_form": PhotoForm()},
        section="catalogue",
        status=400 if request.method == "POST" else 200,
    )


@merchant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def offer_new(request: HttpRequest, member: MemberShop) -> HttpResponse:
    """Type or scan a barcode: a known product fills name, brand and photo; add a price."""
    shop = member.shop
    reference = None
    gtin_error = ""
    lookup = request.GET.get("gtin", "").strip()
    initial = {}
    if lookup:
        try:
            gtin = normalise_gtin(lookup)
        except GtinError as error:
            gtin_error = _("Code-barres : %(reason)s.") % {"reason": error.reason}
        else:
            reference = product_reference(shop.territory_id, gtin)
            initial = {"gtin": gtin}
            if reference is not None:
                initial.update(
                    name=reference.name, brand=reference.brand, quantity=reference.quantity
                )
    form = OfferCreateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer = services.offer_create(
                shop=shop,
                data=services.NewOffer(
                    price_cents=data["price"],
                    gtin=data["gtin"],
                    name=data["name"],
                    brand=data["brand"],
                    quantity=data["quantity"],
                    sku=data["sku"],
                    stock=data["stock"],
                ),
                actor_id=request.user.pk,
            )
        except OfferError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("« %(name)s » est en vente.") % {"name": offer.product.name}
            )
            if "another" in request.POST:
                return redirect(
                    reverse(
                        "backoffice:offer_new",
                        kwargs={"territory": shop.territory.slug, "shop": shop.slug},
                    )
                )
            return redirect(_catalogue_url(member))
    return render_shop(
        request,
        member,
        "backoffice/offer_new.html",
        {"form": form, "reference": reference, "lookup": lookup, "gtin_error": gtin_error},
        section="catalogue",
        status=400 if request.method == "POST" else 200,
    )


@merchant_view()
@require_POST
def offer_photo(request: HttpRequest, member: MemberShop, offer_id: int) -> HttpResponse:
    offer = selectors.shop_offer(member.shop, offer_id)
    if offer is None:
        raise Http404("unknown offer")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            services.offer_check_photo_allowed(shop=member.shop, offer=offer)
            photo_check_size(upload.size)
            data = photo_process(upload.read())
            url = photo_store(
                territory_id=member.shop.territory_id, shop_id=member.shop.pk, data=data
            )
            services.offer_set_image(
                shop=member.shop, offer=offer, image_url=request.build_absolute_uri(url)
            )
        except (PhotoError, OfferError) as error:
            form.add_error("photo", error.message)
        else:
            messages.success(request, _("Photo enregistrée."))
            return redirect(
                "backoffice:offer_edit",
                territory=member.shop.territory.slug,
                shop=member.shop.slug,
                offer_id=offer.pk,
            )
    return render_shop(
        request,
        member,
        "backoffice/offer_edit.html",
        {"row": {"offer": offer, "form": _edit_form(offer)}, "photo_form": form},
        section="catalogue",
        status=400,
    )


@merchant_view()
def catalogue_export(request: HttpRequest, member: MemberShop) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        catalogue_csv(member.shop), content_type="text/csv; charset=utf-8"
    )
    filename = f"catalogue-{slugify(member.shop.slug)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
