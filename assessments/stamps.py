"""Stamps: what a person's personal pages depend on, read in one query, for exact cache keys.

A stamp is a digest of counts and latest change times over the rows a page shows (the person's
assessments, whose `updated_at` every rating write moves, plans, plan items, a report's share
links) and the role-content revision.
Any write that could change the page changes the stamp: a new or deleted row changes a count, an
edit moves a time (every writer saves `updated_at`, or bumps the assessment's). So a page cached
under its stamp never needs invalidating, in one process or many.

The query is plain SQL (portable between PostgreSQL and SQLite: scalar subqueries only): built
through the ORM, the report's subqueries cost 14 ms of Python per request, the SQL itself 0.2 ms.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from django.db import connection

from careerpath.sql import table
from roles import revision
from roles.models import ContentRevision

from .models import Assessment, Plan, PlanItem, ShareLink


def _count_and_latest(rows, alias, field="updated_at"):
    """One scalar subquery: 'count/latest' over `rows` (a FROM ... WHERE clause), in portable SQL."""
    return f"(SELECT CAST(COUNT(*) AS TEXT) || '/' || COALESCE(CAST(MAX({alias}.{field}) AS TEXT), '') {rows})"


def _owner_terms(owner):
    """The owner's assessments, plans and plan items as count/latest terms; `owner` is the SQL that
    gives the user's id. Ratings need no term of their own: every write of a rating moves its
    assessment's updated_at (or, for a new draft's carried-over ratings, adds the assessment)."""
    assessments, plans, items = table(Assessment), table(Plan), table(PlanItem)
    mine = f"FROM {assessments} x WHERE x.user_id = {owner}"
    my_plans = f"FROM {plans} p JOIN {assessments} x ON p.assessment_id = x.id WHERE x.user_id = {owner}"
    my_items = (
        f"FROM {items} i JOIN {plans} p ON i.plan_id = p.id JOIN {assessments} x ON p.assessment_id = x.id "
        f"WHERE x.user_id = {owner}"
    )
    return {
        "assessments": _count_and_latest(mine, "x"),
        "plans": _count_and_latest(my_plans, "p"),
        "items": _count_and_latest(my_items, "i"),
    }


def _revision_term():
    return f"(SELECT number FROM {table(ContentRevision)} WHERE id = {revision.ROW_ID})"


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _digest(values):
    text = "|".join(str(value) for value in values)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@cache
def _report_stamp_sql():
    terms = _owner_terms("a.user_id")
    links = f"FROM {table(ShareLink)} s WHERE s.assessment_id = a.id"
    return (
        f"SELECT a.submitted_at, {terms['assessments']}, {terms['plans']}, {terms['items']}, "
        f"{_count_and_latest(links, 's', 'revoked_at')}, {_revision_term()} "
        f"FROM {table(Assessment)} a WHERE a.id = %s AND a.user_id = %s AND a.status = %s"
    )


def report_stamp(*, pk, user):
    """The stamp of `user`'s submitted assessment `pk`: the report, the owner's other assessments
    (progress, role fit), plans and items (outcomes), its share links and the content revision.
    None when there is no such report of theirs."""
    row = _fetch(_report_stamp_sql(), [pk, user.pk, Assessment.Status.SUBMITTED.value])
    return None if row is None else _digest(row)


@dataclass(frozen=True)
class DraftStamp:
    digest: str
    submitted: bool


@cache
def _draft_stamp_sql(owner):
    owner_clause = "a.user_id = %s" if owner == "user" else "a.user_id IS NULL AND a.session_key = %s"
    return (
        f"SELECT a.status, a.updated_at, {_owner_terms('a.user_id')['items']}, {_revision_term()} "
        f"FROM {table(Assessment)} a WHERE a.id = %s AND {owner_clause}"
    )


def draft_stamp(*, pk, user=None, session_key=None):
    """The stamp of an assessment's step pages: its last change (every rating save moves it), its
    owner's plan items (shown beside each skill) and the content revision. None when the
    requester (a user, or a visitor's session) does not own assessment `pk`."""
    if user is None and not session_key:
        return None
    owner, value = ("user", user.pk) if user is not None else ("session", session_key)
    row = _fetch(_draft_stamp_sql(owner), [pk, value])
    if row is None:
        return None
    return DraftStamp(digest=_digest(row), submitted=row[0] == Assessment.Status.SUBMITTED)


@cache
def _user_stamp_sql():
    terms = _owner_terms("%(user)s")
    return f"SELECT {terms['assessments']}, {terms['plans']}, {terms['items']}, {_revision_term()}"


def user_stamp(user):
    """The stamp of what `user` has (assessments, and so ratings; plans and items) and the content
    revision: the key of their dashboard and role-fit pages."""
    return _digest(_fetch(_user_stamp_sql(), {"user": user.pk}))
