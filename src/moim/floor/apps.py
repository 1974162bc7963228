from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FloorConfig(AppConfig):
    name = "moim.floor"
    verbose_name = _("List of speakers")
