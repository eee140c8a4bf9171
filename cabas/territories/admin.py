from django.contrib import admin

from .models import Territory, TerritoryMembership


class TerritoryMembershipInline(admin.TabularInline):
    model = TerritoryMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "currency", "commission_bp", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [TerritoryMembershipInline]
