"""Sessions logged in under Django's ModelBackend name moim's AccountBackend instead.

Django keeps the backend's dotted path in each session and logs the session out when that path
is no longer in AUTHENTICATION_BACKENDS; AccountBackend replaced ModelBackend there
(moim/members/backends.py). Live sessions are rewritten, so nobody is logged out; a session
this installation's keys cannot read is left as it is (it was not valid anyway).
"""

from django.db import migrations
from django.utils import timezone

FORMER = "django.contrib.auth.backends.ModelBackend"
CURRENT = "moim.members.backends.AccountBackend"


def _rename(apps, schema_editor, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    codec = SessionStore()
    live = Session.objects.using(schema_editor.connection.alias).filter(
        expire_date__gt=timezone.now()
    )
    for session in live.iterator():
        data = codec.decode(session.session_data)
        if data.get(BACKEND_SESSION_KEY) != old:
            continue
        data[BACKEND_SESSION_KEY] = new
        session.session_data = codec.encode(data)
        session.save(update_fields=["session_data"])


def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _rename(apps, schema_editor, FORMER, CURRENT)


def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _rename(apps, schema_editor, CURRENT, FORMER)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_credentials_contact"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
