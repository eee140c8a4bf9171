from django.contrib import admin

from .models import Category, Offer, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "is_food", "position"]
    list_filter = ["parent", "is_food"]
    search_fields = ["name", "slug"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "gtin", "category", "territory"]
    list_filter = ["territory", "category"]
    search_fields = ["name", "brand", "gtin"]
    list_select_related = ["territory", "category"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "shop", "price_cents", "stock", "is_active"]
    list_filter = ["territory", "is_active"]
    search_fields = ["sku", "product__name", "shop__name"]
    raw_id_fields = ["shop", "product"]
    list_select_related = ["product", "shop"]
