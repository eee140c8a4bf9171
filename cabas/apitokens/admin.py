from django.contrib import admin
from django.utils import timezone

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with ``create_api_token`` or from the back office, never here."""

    list_display = [
        "name",
        "prefix",
        "territory",
        "shop",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["territory"]
    search_fields = ["name", "prefix", "shop__name"]
    list_select_related = ["territory", "shop"]
    readonly_fields = [field.name for field in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Révoquer les jetons sélectionnés")
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
