from django.contrib import admin

from .models import Shop, ShopClosure, ShopMembership


class ShopClosureInline(admin.TabularInline):
    model = ShopClosure
    extra = 0
    exclude = ["territory"]


class ShopMembershipInline(admin.TabularInline):
    model = ShopMembership
    extra = 0
    exclude = ["territory"]
    autocomplete_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "category", "postcode", "status", "hours_source"]
    list_filter = ["territory", "status", "category", "offers_delivery", "offers_click_collect"]
    search_fields = ["name", "address", "postcode", "slug"]
    list_select_related = ["territory", "category"]
    inlines = [ShopClosureInline, ShopMembershipInline]
    actions = ["approve"]

    @admin.action(description="Valider les commerces sélectionnés")
    def approve(self, request, queryset):
        queryset.update(status="approved")

    def save_formset(self, request, form, formset, change):
        # Inline rows inherit the shop's territory: every territory-owned row carries it.
        for obj in formset.save(commit=False):
            obj.territory_id = form.instance.territory_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
