from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "moim.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from moim.members.roles import ensure_role_groups
        from moim.members.two_factor import note_second_factor_at_login

        # Role groups are data every installation needs; keep them in step with the code.
        # After every app's migrate, not only this one's: the roles also name permissions of
        # apps listed after this one, which exist only once their own post_migrate has run.
        post_migrate.connect(ensure_role_groups, dispatch_uid="moim.members.ensure_role_groups")
        # Each login notes afresh whether the account has a second factor to ask for.
        user_logged_in.connect(
            note_second_factor_at_login, dispatch_uid="moim.members.note_second_factor_at_login"
        )
