from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "moim.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from moim.members.roles import ensure_role_groups

        # Role groups are data every installation needs; keep them in step with the code.
        post_migrate.connect(ensure_role_groups, sender=self)
