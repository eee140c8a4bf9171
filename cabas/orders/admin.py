from django.contrib import admin

from .models import Checkout, Order, OrderEvent, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("offer", "product_name", "sku", "unit_price_cents", "quantity")


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "from_status", "to_status", "actor", "actor_role", "note")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only: statuses move only through ``order_transition``."""

    list_display = ("id", "shop", "status", "fulfilment_method", "slot_start", "total_cents")
    list_filter = ("status", "fulfilment_method", "territory")
    search_fields = ("id", "checkout__email", "shop__name")
    inlines = [OrderLineInline, OrderEventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Checkout)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = ("id", "territory", "email", "total_cents", "payment_method", "created_at")
    search_fields = ("email", "idempotency_key")
    exclude = ("access_token",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
