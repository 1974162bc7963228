from django.contrib import admin

from moim.projection.models import Projector, Slide


@admin.register(Projector)
class ProjectorAdmin(admin.ModelAdmin):
    """Projectors' names and styles; the slides are the chair's, on the control page."""

    list_display = ["name_en", "assembly", "slug", "style"]
    list_filter = ["assembly"]
    readonly_fields = ["current"]


@admin.register(Slide)
class SlideAdmin(admin.ModelAdmin):
    list_display = ["__str__", "projector", "position", "kind"]
    list_filter = ["projector__assembly", "kind"]
    raw_id_fields = ["agenda_item", "decision", "poll"]

    def has_add_permission(self, request: object) -> bool:
        return False  # slides are added on the control page, through its checks

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
