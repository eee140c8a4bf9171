"""Reports as files: the operator's CSV (for a spreadsheet) and the public open data.

The operator's CSV is what French Excel opens as is: UTF-8 with a byte-order mark,
semicolons, decimal commas; any cell a spreadsheet would run as a formula gets an
apostrophe (CSV injection). The open data is for programs: CSV with commas and
JSON, stable snake_case names, amounts in integer cents. It holds territory-wide
aggregates only, no personal data: no person, no order, no shop figure, and no
sales figure for a month when fewer than ``MIN_SHOPS_FOR_DISCLOSURE`` shops sold.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from cabas.fulfilment.models import FulfilmentMethod
from cabas.territories.models import Territory

from . import selectors, voucher_selectors
from .selectors import MIN_SHOPS_FOR_DISCLOSURE, Figures, Period

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OPEN_DATA_LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
OPEN_DATA_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
REPORT_TABLES = ("semaines", "commerces", "categories", "modes", "cheques", "cheques-commerces")


def escape_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def euros(cents: int) -> str:
    """``123456`` → ``1234,56`` (a spreadsheet number in French)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100},{cents % 100:02d}"


def _figures_cells(figures: Figures) -> list[str]:
    return [
        str(figures.orders),
        euros(figures.sales_cents),
        euros(figures.average_basket_cents),
        euros(figures.delivery_fees_cents),
        euros(figures.commission_cents),
    ]


FIGURE_HEADERS = [
    "Commandes",
    "Ventes (€)",
    "Panier moyen (€)",
    "Frais de livraison (€)",
    "Commission (€)",
]


def report_csv(territory: Territory, period: Period, table: str) -> str:
    """One report table of the period as CSV; ``table`` is one of ``REPORT_TABLES``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    if table == "semaines":
        writer.writerow(["Semaine", "Du", "Au", *FIGURE_HEADERS, "Commerces ayant vendu"])
        for row in selectors.report_by_week(territory, period):
            writer.writerow(
                [
                    row.iso_week,
                    row.week_start.isoformat(),
                    row.week_end.isoformat(),
                    *_figures_cells(row.figures),
                    str(row.shops_with_orders),
                ]
            )
    elif table == "commerces":
        writer.writerow(["Commerce", "Identifiant", "Statut", *FIGURE_HEADERS])
        for shop in selectors.report_by_shop(territory, period):
            writer.writerow(
                [escape_cell(shop.name), shop.slug, shop.status, *_figures_cells(shop.figures)]
            )
    elif table == "categories":
        writer.writerow(["Catégorie", *FIGURE_HEADERS, "Commerces ayant vendu"])
        for category in selectors.report_by_category(territory, period):
            writer.writerow(
                [escape_cell(category.name), *_figures_cells(category.figures), str(category.shops)]
            )
    elif table == "modes":
        writer.writerow(["Mode de retrait", *FIGURE_HEADERS])
        for method in selectors.report_by_method(territory, period):
            writer.writerow([method.label, *_figures_cells(method.figures)])
    elif table == "cheques":
        writer.writerow(
            [
                "Semaine",
                "Du",
                "Au",
                "Chèques émis",
                "Payé par les clients (€)",
                "Abondé par les financeurs (€)",
                "Paiements en chèques",
                "Dépensé en chèques (€)",
            ]
        )
        for week in voucher_selectors.vouchers_by_week(territory, period):
            figures = week.figures
            writer.writerow(
                [
                    week.iso_week,
                    week.week_start.isoformat(),
                    week.week_end.isoformat(),
                    str(figures.issued),
                    euros(figures.paid_cents),
                    euros(figures.matched_cents),
                    str(figures.redemptions),
                    euros(figures.redeemed_cents),
                ]
            )
    elif table == "cheques-commerces":
        writer.writerow(["Commerce", "Paiements en chèques", "Dépensé en chèques (€)"])
        for shop in voucher_selectors.voucher_redemptions_by_shop(territory, period):
            writer.writerow(
                [escape_cell(shop.name), str(shop.redemptions), euros(shop.redeemed_cents)]
            )
    else:
        raise ValueError(f"unknown report table {table!r}")
    return "\ufeff" + buffer.getvalue()


@dataclass(frozen=True)
class OpenData:
    territory: Territory
    generated_at: dt.datetime
    months: list[selectors.MonthRow]
    totals: Figures
    shops_online: int
    shops_with_orders: int
    vouchers: voucher_selectors.VoucherFigures = field(
        default_factory=voucher_selectors.VoucherFigures
    )
    voucher_months: dict[dt.date, voucher_selectors.VoucherFigures] = field(default_factory=dict)

    @property
    def totals_disclosed(self) -> bool:
        return self.shops_with_orders >= MIN_SHOPS_FOR_DISCLOSURE


def open_data(territory: Territory, *, now: dt.datetime | None = None) -> OpenData:
    """Every month from the first order or voucher (or this month) to now, all-time totals."""
    moment = now or timezone.now()
    today = timezone.localtime(moment, ZoneInfo(territory.timezone)).date()
    starts = [
        day
        for day in (
            selectors.first_order_day(territory),
            voucher_selectors.first_voucher_day(territory),
        )
        if day is not None
    ]
    first = min(starts, default=today)
    period = Period(start=first.replace(day=1), end=today, tz=territory.timezone)
    counts = selectors.report_shop_counts(territory)
    return OpenData(
        territory=territory,
        generated_at=moment,
        months=selectors.report_by_month(territory, period),
        totals=selectors.report_totals(territory),
        shops_online=counts.approved,
        shops_with_orders=selectors.shops_with_orders_ever(territory),
        vouchers=voucher_selectors.voucher_totals(territory),
        voucher_months=voucher_selectors.vouchers_by_month(territory, period),
    )


OPEN_DATA_COLUMNS = [
    "month",
    "orders",
    "sales_cents",
    "average_basket_cents",
    "shops_with_orders",
    "pickup_orders",
    "collection_point_orders",
    "delivery_orders",
    "voucher_matched_cents",
    "voucher_redeemed_cents",
]


def _month_record(
    row: selectors.MonthRow, vouchers: voucher_selectors.VoucherFigures
) -> dict[str, Any]:
    disclosed = row.disclosed
    return {
        "month": row.label,
        "orders": row.figures.orders,
        "sales_cents": row.figures.sales_cents if disclosed else None,
        "average_basket_cents": row.figures.average_basket_cents if disclosed else None,
        "shops_with_orders": row.shops_with_orders,
        "pickup_orders": row.orders_by_method[FulfilmentMethod.PICKUP],
        "collection_point_orders": row.orders_by_method[FulfilmentMethod.COLLECTION_POINT],
        "delivery_orders": row.orders_by_method[FulfilmentMethod.DELIVERY],
        "voucher_matched_cents": vouchers.matched_cents,
        "voucher_redeemed_cents": vouchers.redeemed_cents
        if vouchers.redeemed_disclosed or not vouchers.redeemed_cents
        else None,
    }


def _vouchers_record(vouchers: voucher_selectors.VoucherFigures) -> dict[str, Any]:
    disclosed = vouchers.redeemed_disclosed
    tenths = vouchers.multiplier_tenths if disclosed else None
    return {
        "issued": vouchers.issued,
        "paid_cents": vouchers.paid_cents,
        "matched_cents": vouchers.matched_cents,
        "redeemed_cents": vouchers.redeemed_cents if disclosed else None,
        "multiplier": None if tenths is None else float(Decimal(tenths).scaleb(-1)),
    }


def open_data_json(data: OpenData) -> dict[str, Any]:
    territory = data.territory
    disclosed = data.totals_disclosed
    return {
        "territory": {"slug": territory.slug, "name": territory.name},
        "generated_at": data.generated_at.astimezone(ZoneInfo(territory.timezone)).isoformat(),
        "currency": territory.currency,
        "licence": {"name": OPEN_DATA_LICENCE, "url": OPEN_DATA_LICENCE_URL},
        "definitions": {
            "orders": "Commandes passées, hors commandes refusées, annulées ou non retirées.",
            "sales_cents": (
                "Valeur des marchandises de ces commandes en centimes, hors frais de "
                "livraison ; null quand moins de "
                f"{MIN_SHOPS_FOR_DISCLOSURE} commerces ont vendu (secret statistique)."
            ),
            "month": "Mois de la commande dans le fuseau horaire du territoire.",
            "voucher_matched_cents": (
                "Argent public ajouté aux chèques achetés par les habitants (abondement), "
                "en centimes."
            ),
            "voucher_redeemed_cents": (
                "Montant payé en chèques dans les commerces, en centimes ; null quand moins "
                f"de {MIN_SHOPS_FOR_DISCLOSURE} commerces en ont encaissé."
            ),
            "voucher_multiplier": (
                "Dépensé en chèques dans les commerces divisé par l'argent public ajouté : "
                "ce que chaque euro public a fait dépenser sur le territoire."
            ),
        },
        "totals": {
            "orders": data.totals.orders,
            "sales_cents": data.totals.sales_cents if disclosed else None,
            "average_basket_cents": data.totals.average_basket_cents if disclosed else None,
            "shops_online": data.shops_online,
            "shops_with_orders": data.shops_with_orders,
        },
        "vouchers": _vouchers_record(data.vouchers),
        "months": [_month_record(row, _voucher_month(data, row)) for row in data.months],
    }


def _voucher_month(data: OpenData, row: selectors.MonthRow) -> voucher_selectors.VoucherFigures:
    return data.voucher_months.get(row.month, voucher_selectors.VoucherFigures())


def open_data_csv(data: OpenData) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OPEN_DATA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in data.months:
        record = _month_record(row, _voucher_month(data, row))
        writer.writerow({key: "" if value is None else value for key, value in record.items()})
    return buffer.getvalue()
