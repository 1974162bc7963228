"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from moim.members.enums import MemberKind, MemberStatus, Role
from moim.members.models import Member, MemberCategory, Organization, Person, Region


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    slug = "wego"
    name_en = "World Smart Sustainable Cities Organization"
    name_ko = "세계스마트지속가능도시기구"
    acronym = "WeGO"
    secretariat_city_en = "Seoul"
    secretariat_city_ko = "서울"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberCategory
        django_get_or_create = ("organization", "code")

    organization = factory.SubFactory(OrganizationFactory)
    code = "full"
    name_en = "Full"
    name_ko = "정회원"
    has_vote = True


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("organization", "code")

    organization = factory.SubFactory(OrganizationFactory)
    code = "asia-pacific"
    name_en = "Asia and the Pacific"
    name_ko = "아시아태평양"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    organization = factory.SubFactory(OrganizationFactory)
    name_en = factory.Sequence(lambda n: f"City {n}")
    name_ko = factory.Sequence(lambda n: f"도시 {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    kind = MemberKind.LOCAL_GOVERNMENT
    country = "KR"
    region = factory.SubFactory(RegionFactory, organization=factory.SelfAttribute("..organization"))
    category = factory.SubFactory(
        CategoryFactory, organization=factory.SelfAttribute("..organization")
    )
    status = MemberStatus.ACTIVE
    fees_paid_through = 2026


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role.value))
        if create:
            self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    name_en = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda p: f"{p.name_en.lower().replace(' ', '.')}@example.org")
