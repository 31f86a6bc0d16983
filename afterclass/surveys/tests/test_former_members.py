"""A survey of a space's members: someone banned, removed or gone since it opened cannot
answer it, and their unanswered invitation leaves the response rate."""

import json

import pytest
from django.urls import reverse

from afterclass.core.errors import NotAllowed
from afterclass.people.actions import do_create_access_token
from afterclass.spaces.actions import do_ban_member, do_leave_space, do_remove_member
from afterclass.spaces.models import Membership, MembershipState
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.actions import do_answer_survey
from afterclass.surveys.models import AudienceKind, SurveyInvitation
from afterclass.surveys.tests.conftest import full_answers, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def members_survey(space, owner, fay, abe):
    add_member(space, fay)
    add_member(space, abe)
    return make_survey(owner, open_it=True, audience=AudienceKind.SPACE_MEMBERS, space=space)


def membership(space, person):
    return Membership.objects.get(space=space, person=person)


@pytest.mark.parametrize("how", ["ban", "remove", "leave"])
def test_former_member_invitation_is_withdrawn_and_left_out_of_the_rate(
    space, owner, fay, members_survey, how
):
    assert members_survey.invited_count == 3  # the owner, fay, abe
    if how == "ban":
        do_ban_member(space, membership(space, fay).pk, actor=owner)
    elif how == "remove":
        do_remove_member(space, membership(space, fay).pk, actor=owner)
    else:
        do_leave_space(space, actor=fay)
    members_survey.refresh_from_db()
    assert members_survey.invited_count == 2
    assert not SurveyInvitation.objects.filter(survey=members_survey, person=fay).exists()
    with pytest.raises(NotAllowed, match="not addressed to you"):
        do_answer_survey(members_survey, full_answers(members_survey), actor=fay)


def test_former_member_who_already_answered_still_counts(space, owner, fay, members_survey):
    do_answer_survey(members_survey, full_answers(members_survey), actor=fay)
    do_ban_member(space, membership(space, fay).pk, actor=owner)
    members_survey.refresh_from_db()
    assert (members_survey.invited_count, members_survey.responded_count) == (3, 1)


def test_ban_leaves_invitations_to_other_surveys_alone(space, owner, org_admin, fay):
    add_member(space, fay)
    everyone = make_survey(org_admin, open_it=True)
    do_ban_member(space, membership(space, fay).pk, actor=owner)
    everyone.refresh_from_db()
    assert SurveyInvitation.objects.filter(survey=everyone, person=fay).exists()
    do_answer_survey(everyone, full_answers(everyone), actor=fay)


def test_answer_refuses_a_former_member_whose_invitation_remains(space, fay, members_survey):
    # Banned before invitations were withdrawn (older data): the membership check refuses it.
    Membership.objects.filter(space=space, person=fay).update(state=MembershipState.BANNED)
    with pytest.raises(NotAllowed, match="no longer one of them"):
        do_answer_survey(members_survey, full_answers(members_survey), actor=fay)


def test_api_refuses_a_banned_member_with_404(client, space, owner, fay, members_survey):
    do_ban_member(space, membership(space, fay).pk, actor=owner)
    _, raw = do_create_access_token(fay, "tests", actor=fay)
    response = client.post(
        f"/api/v1/surveys/{members_survey.pk}/answers",
        json.dumps({"answers": full_answers(members_survey)}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 404


def test_api_refuses_a_former_member_whose_invitation_remains_with_403(
    client, space, fay, members_survey
):
    Membership.objects.filter(space=space, person=fay).update(state=MembershipState.LEFT)
    _, raw = do_create_access_token(fay, "tests", actor=fay)
    response = client.post(
        f"/api/v1/surveys/{members_survey.pk}/answers",
        json.dumps({"answers": full_answers(members_survey)}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    assert "no longer one of them" in response.content.decode()


def test_page_refuses_a_removed_member_with_404(client, space, owner, fay, members_survey):
    do_remove_member(space, membership(space, fay).pk, actor=owner)
    client.force_login(fay)
    url = reverse("survey-detail", args=[members_survey.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not members_survey.responses.exists()
