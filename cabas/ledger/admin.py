from django.contrib import admin

from .models import Account, Entry, LedgerTransaction


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is immutable: money moves only through ``ledger_post``."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    can_delete = False
    fields = ("account", "amount_cents")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "territory", "kind", "owner_ref", "currency", "balance_cents")
    list_filter = ("territory", "kind")
    search_fields = ("owner_ref",)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "territory", "kind", "reference", "created_at")
    list_filter = ("territory", "kind")
    search_fields = ("reference", "idempotency_key")
    inlines = [EntryInline]
