from django.contrib import admin

from .models import Cart, CartLine


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    raw_id_fields = ("offer",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("id", "territory", "user", "updated_at")
    raw_id_fields = ("user",)
    inlines = [CartLineInline]
