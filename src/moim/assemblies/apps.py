from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssembliesConfig(AppConfig):
    name = "moim.assemblies"
    verbose_name = _("General Assemblies")
