"""``{% shop_payment_account shop %}``: the shop's payout account, read-only (back office)."""

from __future__ import annotations

from django import template

from cabas.payments.selectors import shop_payment_account as _account

register = template.Library()


@register.inclusion_tag("payments/_shop_account.html")
def shop_payment_account(shop) -> dict:
    account = _account(shop)
    return {"stripe_account_id": account.stripe_account_id if account else ""}
