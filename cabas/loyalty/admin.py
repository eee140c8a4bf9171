from django.contrib import admin

from .models import LoyaltySettings


@admin.register(LoyaltySettings)
class LoyaltySettingsAdmin(admin.ModelAdmin):
    list_display = ("territory", "enabled", "points_per_euro", "point_value_cents", "updated_at")
    readonly_fields = ("updated_at",)
