from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MotionsConfig(AppConfig):
    name = "moim.motions"
    verbose_name = _("Motions")

    def ready(self) -> None:
        from moim.governance.signals import decision_published
        from moim.motions.outcomes import follow_published_decision

        decision_published.connect(follow_published_decision, dispatch_uid="motions-follow")
