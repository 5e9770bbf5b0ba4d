"""The CSRF cookie is HttpOnly: no script can read it, and none needs to.

static/js/assessment.js sends the token from the page's form field (`csrfmiddlewaretoken`) in the
X-CSRFToken header, so autosave keeps working with a cookie that scripts cannot see.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from assessments.tests.factories import draft_for
from roles.tests.factories import make_role

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_the_csrf_cookie_is_sent_httponly(settings):
    assert settings.CSRF_COOKIE_HTTPONLY is True
    response = Client().get(reverse("account_signup"))
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_no_script_reads_the_cookie():
    for path in (ROOT / "static/js").glob("*.js"):
        assert "document.cookie" not in path.read_text(), path


def test_autosave_works_with_the_token_from_the_form_field(alice):
    """What assessment.js does: read the form's hidden field, send it as X-CSRFToken."""
    role = make_role(required=2, differentiating=0)
    skills = [rs.skill for rs in role.role_skills.select_related("skill").order_by("order")]
    draft = draft_for(alice, role)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    rate = reverse("assessments:rate", args=[draft.pk])

    refused = client.post(rate, {"skill": skills[0].slug, "level": 3})
    saved = client.post(rate, {"skill": skills[0].slug, "level": 3}, HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert saved.status_code == 200 and saved.json()["saved"] is True
