from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinutesConfig(AppConfig):
    name = "moim.minutes"
    label = "moim_minutes"
    verbose_name = _("Minutes of the sitting")
