from django.contrib import admin

from .models import PostalCode


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "commune", "locality", "insee_code"]
    search_fields = ["code", "commune"]
