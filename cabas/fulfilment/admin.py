from django.contrib import admin

from .models import CollectionPoint, CollectionPointShop, DeliveryZone, ShopFulfilment, SlotLoad


@admin.register(ShopFulfilment)
class ShopFulfilmentAdmin(admin.ModelAdmin):
    list_display = ("shop", "pickup_enabled", "slot_minutes", "lead_minutes", "capacity_per_slot")
    raw_id_fields = ("shop",)


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(admin.ModelAdmin):
    list_display = ("shop", "name", "kind", "fee_cents", "minimum_order_cents", "is_active")
    raw_id_fields = ("shop",)


class CollectionPointShopInline(admin.TabularInline):
    model = CollectionPointShop
    raw_id_fields = ("shop",)
    extra = 0


@admin.register(CollectionPoint)
class CollectionPointAdmin(admin.ModelAdmin):
    list_display = ("name", "territory", "capacity_per_slot", "is_active")
    inlines = [CollectionPointShopInline]


@admin.register(SlotLoad)
class SlotLoadAdmin(admin.ModelAdmin):
    list_display = ("target", "starts_at", "booked")
