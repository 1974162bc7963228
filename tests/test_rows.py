"""Hand-written reads and inserts (moim/rows.py) and the session store built on them."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_init, post_save, pre_save
from django.urls import reverse
from django.utils import timezone

from moim.governance.models import SealedBallot, VoteRecord
from moim.members.backends import AccountBackend
from moim.members.enums import Role
from moim.members.models import Organization
from moim.members.rules import role_names
from moim.rows import columns, fetch, insert, instance, quoted, table
from moim.sessions import SessionStore
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def poll(organization: Organization, chair: Any) -> Any:
    from moim.governance import services
    from tests.governance.conftest import build_plenary, make_motion, make_rules

    plenary = build_plenary(organization, 2)
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0"))
    opened = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    opened.plenary = plenary
    return opened


def test_an_inserted_row_is_what_save_stores_with_its_key_defaults_and_signals(
    poll: Any,
) -> None:
    member = poll.plenary.members[0]
    heard: list[tuple[str, bool]] = []

    def before(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(("pre", instance.pk is None))

    def after(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        heard.append(("post", created))

    pre_save.connect(before, sender=VoteRecord)
    post_save.connect(after, sender=VoteRecord)
    try:
        record = VoteRecord(poll=poll, member=member, choices=[2, 1], submission="abc")
        insert(record)
    finally:
        pre_save.disconnect(before, sender=VoteRecord)
        post_save.disconnect(after, sender=VoteRecord)
    assert heard == [("pre", True), ("post", True)]
    assert record.pk is not None
    assert not record._state.adding
    stored = VoteRecord.objects.get(pk=record.pk)
    assert (stored.poll_id, stored.member_id, stored.choices, stored.submission) == (
        poll.pk,
        member.pk,
        [2, 1],
        "abc",
    )
    assert stored.cast_by_id is None

    sealed = SealedBallot(poll=poll, sealed=b"\x00\x01binary\xff")
    key = sealed.pk  # a UUID chosen by the model's default, kept
    insert(sealed)
    assert bytes(SealedBallot.objects.get(pk=key).sealed) == b"\x00\x01binary\xff"


def test_an_insert_that_breaks_a_constraint_raises_django_s_integrity_error(poll: Any) -> None:
    member = poll.plenary.members[0]
    insert(VoteRecord(poll=poll, member=member))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(VoteRecord(poll=poll, member=member))
    assert VoteRecord.objects.filter(poll=poll, member=member).count() == 1


def test_a_session_of_django_s_engine_is_read_and_an_expired_or_unknown_one_is_not(
    db: None,
) -> None:
    made = DjangoStore()
    made["_auth_user_id"] = "42"
    made["note"] = "한국어"
    made.create()

    read = SessionStore(made.session_key)
    assert (read["_auth_user_id"], read["note"]) == ("42", "한국어")

    Session.objects.filter(session_key=made.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(made.session_key)
    assert expired.get("_auth_user_id") is None
    assert expired.session_key is None  # a new session will be made, as Django's engine does

    assert SessionStore("no-such-session-key-at-all").get("note") is None
    assert SessionStore("short").get("note") is None


def test_a_logged_in_page_reads_its_session_and_the_roles_are_the_user_s_groups(
    client: Any, db: None
) -> None:
    OrganizationFactory()
    user = UserFactory(username="reader", roles=[Role.CHAIR, Role.DELEGATE])
    UserFactory(username="other", roles=[Role.SECRETARIAT])
    client.force_login(user)
    page = client.get(reverse("account"))
    assert page.status_code == 200
    assert page.wsgi_request.user == user
    assert role_names(User.objects.get(pk=user.pk)) == {Role.CHAIR.value, Role.DELEGATE.value}


def test_the_account_backend_reads_an_active_user_and_refuses_an_inactive_or_unknown_one(
    db: None,
) -> None:
    active = UserFactory(username="active")
    inactive = UserFactory(username="inactive", is_active=False)
    backend = AccountBackend()
    found = backend.get_user(active.pk)
    assert found == active
    assert (found.username, found.password) == ("active", active.password)
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(active.pk + inactive.pk + 100) is None


def test_sessions_logged_in_under_model_backend_stay_logged_in(client: Any, db: None) -> None:
    OrganizationFactory()
    user = UserFactory(username="before")
    former = DjangoStore()
    former.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    former.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = former.session_key
    assert client.get(reverse("account")).status_code == 302  # the former name logs out

    migration = import_module("moim.members.migrations.0004_sessions_name_the_account_backend")
    migration.forwards(django_apps, SimpleNamespace(connection=connection))

    client.cookies[settings.SESSION_COOKIE_NAME] = former.session_key
    page = client.get(reverse("account"))
    assert page.status_code == 200
    assert page.wsgi_request.user == user
    migration.backwards(django_apps, SimpleNamespace(connection=connection))
    assert SessionStore(former.session_key)[BACKEND_SESSION_KEY] == (
        "django.contrib.auth.backends.ModelBackend"
    )


def test_the_user_comes_with_its_roles_and_asking_them_costs_no_query(
    db: None, django_assert_num_queries: Any
) -> None:
    user = UserFactory(username="roles", roles=[Role.CHAIR, Role.SECRETARIAT])
    bare = UserFactory(username="bare")
    with django_assert_num_queries(2):  # one each
        found = AccountBackend().get_user(user.pk)
        alone = AccountBackend().get_user(bare.pk)
    with django_assert_num_queries(0):
        assert role_names(found) == {Role.CHAIR.value, Role.SECRETARIAT.value}
        assert role_names(alone) == frozenset()


def _read(model: type[Any], pk: Any) -> Any:
    sql = f"SELECT {columns(model, 't')} FROM {table(model)} t WHERE t.{quoted('id')} = %s"
    [row] = fetch(sql, [pk])
    return instance(model, row)


def test_a_row_becomes_the_instance_the_orm_reads(db: None) -> None:
    organization = OrganizationFactory()

    read = _read(Organization, organization.pk)
    orm = Organization.objects.get(pk=organization.pk)

    assert type(read) is Organization
    assert {f.attname: getattr(read, f.attname) for f in Organization._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in Organization._meta.concrete_fields
    }
    assert (read._state.adding, read._state.db) == (False, orm._state.db)
    assert read == orm
    read.name_en = "Renamed"
    read.save()  # an instance read so is saved as an update of its row
    assert Organization.objects.get(pk=organization.pk).name_en == "Renamed"
    assert Organization.objects.count() == 1


def test_a_model_with_an_init_signal_receiver_gets_it_for_a_row_read(db: None) -> None:
    organization = OrganizationFactory()
    seen: list[Any] = []

    def note(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(note, sender=Organization)
    try:
        read = _read(Organization, organization.pk)
    finally:
        post_init.disconnect(note, sender=Organization)

    assert seen == [read]
    assert read.pk == organization.pk
