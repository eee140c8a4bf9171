from django.contrib import admin

from .codes import code_display
from .models import GiftCard, Voucher, VoucherProgramme


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money moves only through the services; the admin shows it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VoucherProgramme)
class VoucherProgrammeAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "territory",
        "status",
        "match_rate_bp",
        "cap_per_person_cents",
        "budget_cents",
        "valid_from",
        "valid_until",
    )
    list_filter = ("territory", "status")
    search_fields = ("name",)


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ("pk", "programme", "owner", "paid_cents", "matched_cents", "expires_at")
    list_filter = ("programme",)
    list_select_related = ("programme", "owner")


@admin.register(GiftCard)
class GiftCardAdmin(ReadOnlyAdmin):
    list_display = ("pk", "territory", "shop", "amount_cents", "expires_at", "shown_code")
    list_filter = ("territory",)
    list_select_related = ("territory", "shop")

    @admin.display(description="code")
    def shown_code(self, obj: GiftCard) -> str:
        return code_display(obj.code)
