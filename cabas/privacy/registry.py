"""Every table that points at a user, and what export and erasure do with its rows.

One line per foreign key to the user model. ``tests/test_registry.py`` walks every
installed model: a new foreign key to the user that is not listed here fails the
suite, so no personal data can be added without deciding how it is exported and
erased. ``section`` is the key of the JSON export holding the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Fate(StrEnum):
    DELETE = "delete"  # the rows are removed at erasure
    ANONYMISE = "anonymise"  # the rows stay, their personal fields are blanked
    KEEP = "keep"  # the rows stay, linked to the anonymised account (no personal data left)


@dataclass(frozen=True)
class UserLink:
    """One foreign key to the user: where its rows are exported, what erasure does."""

    model: str  # app_label.ModelName
    field: str
    section: str
    fate: Fate
    why: str


USER_LINKS: tuple[UserLink, ...] = (
    UserLink("accounts.User_groups", "user", "account", Fate.DELETE, "Django groups"),
    UserLink(
        "accounts.User_user_permissions", "user", "account", Fate.DELETE, "Django permissions"
    ),
    UserLink(
        "territories.TerritoryMembership", "user", "memberships", Fate.DELETE, "operator role"
    ),
    UserLink("shops.ShopMembership", "user", "memberships", Fate.DELETE, "shop team role"),
    UserLink("cart.Cart", "user", "carts", Fate.DELETE, "basket"),
    UserLink(
        "orders.Checkout",
        "user",
        "checkouts",
        Fate.ANONYMISE,
        "accounting: amounts and dates kept, contact removed",
    ),
    UserLink(
        "orders.Order",
        "user",
        "orders",
        Fate.ANONYMISE,
        "accounting: lines, shop, amounts kept, delivery address removed",
    ),
    UserLink(
        "orders.OrderEvent", "actor", "actions", Fate.KEEP, "order history (who moved it, role)"
    ),
    UserLink(
        "vouchers.ProgrammeParticipant",
        "user",
        "voucher_participations",
        Fate.KEEP,
        "the funder's cap bookkeeping (amounts only)",
    ),
    UserLink("vouchers.Household", "user", "households", Fate.DELETE, "declared home address"),
    UserLink(
        "vouchers.Voucher", "owner", "vouchers", Fate.KEEP, "ledger account and bearer code kept"
    ),
    UserLink(
        "payments.OnlinePurchase",
        "user",
        "online_purchases",
        Fate.ANONYMISE,
        "accounting: amount kept, e-mails and message removed",
    ),
    UserLink("apitokens.ApiToken", "created_by", "api_tokens", Fate.KEEP, "revoked at erasure"),
    UserLink("backoffice.JoinRequest", "user", "join_requests", Fate.DELETE, "shop application"),
    UserLink("backoffice.JoinRequest", "decided_by", "actions", Fate.KEEP, "operator's decision"),
    UserLink("backoffice.TeamInvitation", "invited_by", "actions", Fate.KEEP, "team history"),
    UserLink("backoffice.TeamInvitation", "accepted_by", "actions", Fate.KEEP, "team history"),
    UserLink("backoffice.ImportJob", "created_by", "actions", Fate.KEEP, "catalogue history"),
    UserLink("catalog.StockMovement", "actor", "actions", Fate.KEEP, "stock history"),
    UserLink("audit.AuditEntry", "actor", "audit", Fate.ANONYMISE, "the log stays, the label goes"),
    UserLink("admin.LogEntry", "user", "actions", Fate.KEEP, "Django admin history"),
    UserLink("settlements.Payout", "created_by", "actions", Fate.KEEP, "operator's payout record"),
    UserLink(
        "ledger.LedgerTransaction",
        "actor",
        "actions",
        Fate.ANONYMISE,
        "the ledger stays, the author's name goes",
    ),
    UserLink("pages.Page", "updated_by", "actions", Fate.KEEP, "page history"),
    UserLink("pages.Announcement", "created_by", "actions", Fate.KEEP, "announcement history"),
    UserLink("habits.ShopFollow", "user", "follows", Fate.DELETE, "followed shops"),
    UserLink("habits.ShopNews", "author", "actions", Fate.KEEP, "the shop's news stay"),
    UserLink("habits.AvailabilityAlert", "user", "alerts", Fate.DELETE, "alerts"),
    UserLink("habits.AlertMatch", "user", "alert_matches", Fate.DELETE, "alerts met"),
    UserLink("habits.ShopperPreferences", "user", "preferences", Fate.DELETE, "e-mail consents"),
    UserLink("planner.SavedList", "user", "saved_lists", Fate.DELETE, "shopping lists"),
    UserLink("habits.PushSubscription", "user", "push_subscriptions", Fate.DELETE, "web push"),
    UserLink(
        "privacy.InactivityWarning", "user", "inactivity_warning", Fate.DELETE, "purge notice"
    ),
)

# Tables exported as plain rows under their own section (browser keys are not exported:
# they are secrets of the browser, not information about the person).
PLAIN_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("habits.PushSubscription", "user"): (
        "territory_id",
        "endpoint",
        "user_agent",
        "created_at",
        "last_success_at",
    ),
}

# Records of what the user did in someone else's space (a shop, a territory): exported
# as plain rows, kept at erasure (the anonymised account holds no personal data).
ACTION_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("orders.OrderEvent", "actor"): ("id", "order_id", "from_status", "to_status", "created_at"),
    ("backoffice.JoinRequest", "decided_by"): ("id", "shop_id", "status", "decided_at"),
    ("backoffice.TeamInvitation", "invited_by"): ("id", "shop_id", "role", "created_at"),
    ("backoffice.TeamInvitation", "accepted_by"): ("id", "shop_id", "role", "accepted_at"),
    ("backoffice.ImportJob", "created_by"): ("id", "shop_id", "filename", "status"),
    ("catalog.StockMovement", "actor"): ("id", "offer_id", "delta", "reason", "created_at"),
    ("admin.LogEntry", "user"): ("id", "action_time", "object_repr", "action_flag"),
    ("settlements.Payout", "created_by"): ("id", "shop_id", "amount_cents", "paid_on"),
    ("ledger.LedgerTransaction", "actor"): ("id", "kind", "reference", "actor_label", "created_at"),
    ("pages.Page", "updated_by"): ("id", "territory_id", "kind", "updated_at"),
    ("pages.Announcement", "created_by"): ("id", "territory_id", "message", "created_at"),
    ("habits.ShopNews", "author"): ("id", "shop_id", "text", "created_at"),
}

# Rows kept at erasure that copied the user's name or e-mail into a label column.
ACTOR_LABELS: dict[tuple[str, str], str] = {
    ("audit.AuditEntry", "actor"): "actor_label",
    ("ledger.LedgerTransaction", "actor"): "actor_label",
}


def links_to_delete() -> list[UserLink]:
    return [link for link in USER_LINKS if link.fate is Fate.DELETE]
