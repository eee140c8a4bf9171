from django.contrib import admin

from .models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "status", "attempts", "max_attempts", "run_after", "created_at")
    list_filter = ("status", "name")
    readonly_fields = ("kwargs", "last_error", "locked_by", "locked_at", "finished_at")
