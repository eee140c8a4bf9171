from django.contrib import admin, messages

from . import services
from .models import ImportJob, JoinRequest


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Until the operator console exists, the territory approves merchants here."""

    list_display = ["shop", "user", "kind", "status", "territory", "created_at"]
    list_filter = ["status", "kind", "territory"]
    search_fields = ["shop__name", "user__email"]
    list_select_related = ["shop", "user", "territory"]
    readonly_fields = [
        "territory",
        "shop",
        "user",
        "kind",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Accepter les demandes sélectionnées")
    def approve(self, request, queryset):
        for pk in queryset.filter(status=JoinRequest.Status.PENDING).values_list("pk", flat=True):
            services.join_approve(request_id=pk, decided_by=request.user)
        self.message_user(request, "Demandes acceptées.", messages.SUCCESS)

    @admin.action(description="Refuser les demandes sélectionnées")
    def reject(self, request, queryset):
        for pk in queryset.filter(status=JoinRequest.Status.PENDING).values_list("pk", flat=True):
            services.join_reject(request_id=pk, decided_by=request.user)
        self.message_user(request, "Demandes refusées.", messages.SUCCESS)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "shop", "status", "row_count", "error_count", "created_at"]
    list_filter = ["status", "territory"]
    list_select_related = ["shop"]
    exclude = ["content"]
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False
