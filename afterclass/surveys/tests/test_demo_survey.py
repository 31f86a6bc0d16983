"""The demo's pre-launch survey: about 25 anonymous answers, sign-ups, loaded once."""

import pytest
from django.utils import timezone

from afterclass.demo.spaces import READING_CLUB
from afterclass.demo.surveys import ANSWERS, SIGN_UPS, load_prelaunch_survey
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Audience, Status
from afterclass.spaces.tests.factories import make_space
from afterclass.surveys.models import Response, SpaceInterest

pytestmark = pytest.mark.django_db


def test_demo_prelaunch_survey_has_answers_and_sign_ups_and_loads_once(org_admin):
    space = make_space(
        org_admin,
        name="Reading club",
        slug=READING_CLUB.slug,
        status=Status.PLANNING,
        audience=Audience.COMMUNITY,
    )
    PersonFactory.create_batch(30)
    survey = load_prelaunch_survey(org_admin, seed=7, now=timezone.now())
    assert survey is not None
    assert survey.is_accepting
    assert survey.space == space
    assert Response.objects.filter(survey=survey).count() == ANSWERS
    assert not Response.objects.filter(person__isnull=False).exists()
    assert SpaceInterest.objects.filter(space=space).count() == SIGN_UPS
    assert load_prelaunch_survey(org_admin, seed=7, now=timezone.now()) is None
