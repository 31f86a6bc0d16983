"""Factories for people, departments and levels."""

import factory

from afterclass.people.models import Department, ManagementLevel, Person


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagementLevel
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Level {n}")
    rank = factory.Sequence(lambda n: n + 100)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Analyst"
    password = factory.django.Password("demo-password")


class AdminFactory(PersonFactory):
    is_org_admin = True
