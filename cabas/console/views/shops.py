"""Shop applications, the territory's shops (status, category) and the categories."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cabas.shops.models import ShopStatus
from cabas.territories.models import Territory

from .. import selectors, services
from ..access import operator_view
from ..errors import ConsoleError
from ..forms import MessageForm, ShopCategoryForm, ShopSearchForm, ShopStatusForm
from .common import attach_error, render_console

DECISION_DONE = {
    True: gettext_lazy("Demande acceptée : le commerçant est prévenu par e-mail."),
    False: gettext_lazy("Demande refusée : le commerçant est prévenu par e-mail."),
}


@require_safe
@operator_view
def applications(request: HttpRequest, territory: Territory) -> HttpResponse:
    return render_console(
        request,
        territory,
        "console/applications.html",
        {
            "pending": list(selectors.pending_applications(territory)),
            "waiting_shops": selectors.pending_shops_without_application(territory),
            "decided": selectors.decided_applications(territory),
        },
        section="applications",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def application(request: HttpRequest, territory: Territory, request_id: int) -> HttpResponse:
    join_request = selectors.territory_application(territory, request_id)
    if join_request is None:
        raise Http404("unknown application")
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        if decision not in ("approve", "refuse"):
            form.add_error(None, _("Choisissez d'accepter ou de refuser la demande."))
        else:
            approve = decision == "approve"
            try:
                services.application_decide(
                    territory=territory,
                    request_id=join_request.pk,
                    approve=approve,
                    message=form.cleaned_data["message"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except ConsoleError as error:
                attach_error(form, error.field, error.message)
            else:
                messages.success(request, str(DECISION_DONE[approve]))
                return redirect("console:applications", territory=territory.slug)
    return render_console(
        request,
        territory,
        "console/application.html",
        {
            "join_request": join_request,
            "shop": join_request.shop,
            "owners": selectors.shop_owners(join_request.shop),
            "form": form,
        },
        section="applications",
        status=400 if form.errors else 200,
    )


@require_safe
@operator_view
def shops(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = ShopSearchForm(request.GET or None)
    form.fields["status"].choices = [("", _("Tous")), *ShopStatus.choices]
    q, status, category_id = "", "", None
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
        category_id = form.cleaned_data["category"]
    page = Paginator(
        selectors.territory_shops(territory, status=status, q=q, category_id=category_id),
        selectors.SHOP_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render_console(
        request,
        territory,
        "console/shops.html",
        {
            "form": form,
            "page_obj": page,
            "statuses": [
                (status, label, selectors.shop_status_counts(territory)[status])
                for status, label in ShopStatus.choices
            ],
        },
        section="shops",
    )


STATUS_ACTIONS = {
    ShopStatus.PENDING: [("approved", gettext_lazy("Valider")), ("draft", gettext_lazy("Refuser"))],
    ShopStatus.DRAFT: [("approved", gettext_lazy("Valider"))],
    ShopStatus.APPROVED: [("suspended", gettext_lazy("Suspendre"))],
    ShopStatus.SUSPENDED: [("approved", gettext_lazy("Réactiver"))],
}


def _shop_page(
    request: HttpRequest,
    territory: Territory,
    shop_id: int,
    *,
    status_form: ShopStatusForm | None = None,
    category_form: ShopCategoryForm | None = None,
) -> HttpResponse:
    shop = selectors.territory_shop(territory, shop_id)
    if shop is None:
        raise Http404("unknown shop")
    failed = bool((status_form and status_form.errors) or (category_form and category_form.errors))
    return render_console(
        request,
        territory,
        "console/shop.html",
        {
            "shop": shop,
            "owners": selectors.shop_owners(shop),
            "status_form": status_form or ShopStatusForm(),
            "category_form": category_form
            or ShopCategoryForm(initial={"category": shop.category_id}),
            "status_actions": STATUS_ACTIONS.get(shop.status, []),
        },
        section="shops",
        status=400 if failed else 200,
    )


@require_safe
@operator_view
def shop(request: HttpRequest, territory: Territory, shop_id: int) -> HttpResponse:
    return _shop_page(request, territory, shop_id)


@require_POST
@operator_view
def shop_status(request: HttpRequest, territory: Territory, shop_id: int) -> HttpResponse:
    if selectors.territory_shop(territory, shop_id) is None:
        raise Http404("unknown shop")
    form = ShopStatusForm(request.POST)
    if form.is_valid():
        try:
            changed = services.shop_set_status(
                territory=territory,
                shop_id=shop_id,
                status=form.cleaned_data["status"],
                message=form.cleaned_data["message"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ConsoleError as error:
            attach_error(form, error.field, error.message)
        else:
            messages.success(
                request,
                _("« %(shop)s » est maintenant %(status)s ; ses gérants sont prévenus.")
                % {"shop": changed.name, "status": changed.get_status_display()},
            )
            return redirect("console:shop", territory=territory.slug, shop_id=shop_id)
    return _shop_page(request, territory, shop_id, status_form=form)


@require_POST
@operator_view
def shop_category(request: HttpRequest, territory: Territory, shop_id: int) -> HttpResponse:
    if selectors.territory_shop(territory, shop_id) is None:
        raise Http404("unknown shop")
    form = ShopCategoryForm(request.POST)
    if form.is_valid():
        try:
            services.shop_set_category(
                territory=territory,
                shop_id=shop_id,
                category_id=form.cleaned_data["category"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ConsoleError as error:
            attach_error(form, error.field, error.message)
        else:
            messages.success(request, _("Catégorie enregistrée."))
            return redirect("console:shop", territory=territory.slug, shop_id=shop_id)
    return _shop_page(request, territory, shop_id, category_form=form)


@require_safe
@operator_view
def categories(request: HttpRequest, territory: Territory) -> HttpResponse:
    rows, uncategorised = selectors.category_rows(territory)
    return render_console(
        request,
        territory,
        "console/categories.html",
        {"rows": rows, "uncategorised": uncategorised},
        section="categories",
    )
