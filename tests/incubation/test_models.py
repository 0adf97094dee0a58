from datetime import date

import pytest

from incubation.models import Incubation, TeamFiling, add_years
from tests.incubation.factories import FilingFactory, admitted, approved_filing

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 6, 10, 9)]


def test_member_names_are_one_a_line_and_at_least_ten_are_needed():
    filing = FilingFactory.build(member_names="A\n\nB \n C")
    assert filing.members == ["A", "B", "C"]
    with pytest.raises(Exception, match="at least 10"):
        filing.clean()


def test_an_anniversary_on_29_february_falls_on_28_february():
    assert add_years(date(2024, 2, 29)) == date(2025, 2, 28)


def test_a_filed_team_may_confirm_from_30_days_before_its_anniversary(staff_user):
    filing = approved_filing(staff_user)
    assert filing.confirm_by == date(2027, 6, 10)
    assert not filing.can_confirm(date(2027, 5, 10))
    assert filing.can_confirm(date(2027, 5, 11))


def test_reminders_and_lapses_follow_the_anniversary(staff_user):
    filing = approved_filing(staff_user)
    assert list(TeamFiling.objects.due_for_reminder(date(2027, 5, 10))) == []
    assert list(TeamFiling.objects.due_for_reminder(date(2027, 5, 11))) == [filing]
    assert list(TeamFiling.objects.due_to_lapse(date(2027, 8, 9))) == []
    assert list(TeamFiling.objects.due_to_lapse(date(2027, 8, 10))) == [filing]


def test_stages_allow_only_their_transitions(staff_user):
    incubation = admitted(FilingFactory().organization, staff_user)
    assert incubation.stage == Incubation.Stage.ADMITTED
    assert incubation.next_stages() == [Incubation.Stage.INCUBATING, Incubation.Stage.WITHDRAWN]
    assert not incubation.can_graduate


def test_overdue_milestones_are_those_of_active_incubations_past_their_date(staff_user):
    incubation = admitted(FilingFactory().organization, staff_user, started_on=date(2026, 3, 1))
    # Due 60 and 120 days after 1 March: 30 April is past on 10 June, 29 June is not.
    overdue = incubation.milestones.model.objects.overdue()
    assert [m.position for m in overdue] == [1]
