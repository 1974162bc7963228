from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "moim.mailings"
    verbose_name = _("Convocation and mailings")
