from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectionConfig(AppConfig):
    name = "moim.projection"
    verbose_name = _("Projection")
