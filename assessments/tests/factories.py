"""Test data for assessments, built through the same services production uses."""

import factory

from accounts.tests.factories import UserFactory
from assessments import services
from assessments.models import Assessment, Rating, shared_report_path


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A bare draft row; prefer `draft_for`/`submitted_for`, which go through the services."""

    class Meta:
        model = Assessment

    user = factory.SubFactory(UserFactory)
    role = factory.SubFactory("roles.tests.factories.RoleFactory")


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    assessment = factory.SubFactory(AssessmentFactory)
    skill = factory.SubFactory("roles.tests.factories.SkillFactory")
    level = 3


def draft_for(user, role, levels=None):
    """A draft of `role` for `user`; `levels` maps skill slug -> level (default: none rated)."""
    assessment, _ = services.start_assessment(role=role, user=user)
    if levels:
        by_slug = {rs.skill.slug: rs.skill for rs in role.role_skills.select_related("skill")}
        for slug, level in levels.items():
            services.save_rating(assessment=assessment, skill=by_slug[slug], level=level)
    return assessment


def submitted_for(user, role, level=3, levels=None, current_role=None):
    """A submitted assessment: every skill rated `level`, except those given in `levels`."""
    all_levels = {rs.skill.slug: level for rs in role.role_skills.select_related("skill")}
    all_levels.update(levels or {})
    assessment = draft_for(user, role, all_levels)
    assessment, _ = services.submit_assessment(assessment=assessment, current_role=current_role)
    return assessment


def shared(assessment, display_name="Alice A.", **ticks):
    """A share link to `assessment`'s report, made as the share page makes it: (link, the path it opens)."""
    link, token = services.share_report(assessment=assessment, display_name=display_name, **ticks)
    return link, shared_report_path(token)
