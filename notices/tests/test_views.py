"""The notices pages: the list and its unread count, reading, settings and one-click unsubscribe."""

from datetime import timedelta

import pytest
from django.core import signing
from django.core.mail import send_mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notices import unsubscribe
from notices.models import Delivery, Kind, Notice, NoticePreference

pytestmark = pytest.mark.django_db


def notice_for(user, n=1, **fields):
    return Notice.objects.create(
        user=user,
        kind=fields.pop("kind", Kind.PLAN_DUE_SOON),
        subject_key=fields.pop("subject_key", f"planitem:{n}:2026-12-09"),
        text=fields.pop("text", f"“Skill {n}” in your plan is due on 09 Dec 2026."),
        url=fields.pop("url", "/dashboard/"),
        **fields,
    )


def preference_rows():
    return sorted(NoticePreference.objects.values_list("user__username", "kind", "delivery"))


# --- the list and the navbar ------------------------------------------------------------------------


def test_alice_sees_her_notices_and_the_unread_count_in_the_navbar(alice, bob, alice_client):
    notice_for(alice, 1)
    notice_for(alice, 2, text="<script>x</script> escaped")
    notice_for(alice, 3, read_at=timezone.now())
    notice_for(bob, 4, text="bob's only")
    response = alice_client.get(reverse("notices:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“Skill 1”" in page and "&lt;script&gt;x&lt;/script&gt; escaped" in page
    assert "bob&#x27;s only" not in page and "bob's only" not in page
    assert 'data-testid="unread-count">2<' in page


def test_the_unread_count_is_filled_in_on_a_cached_page_too(alice, alice_client):
    """The dashboard is served from the page cache; the badge is per request."""
    alice_client.get(reverse("assessments:dashboard"))  # stored
    notice_for(alice, 1)
    page = alice_client.get(reverse("assessments:dashboard")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    Notice.objects.update(read_at=timezone.now())
    page = alice_client.get(reverse("assessments:dashboard")).content.decode()
    assert 'data-testid="unread-count"' not in page and "parthole" not in page


def test_the_list_runs_a_constant_number_of_queries(alice, alice_client, django_assert_max_num_queries):
    notice_for(alice, 1)
    with django_assert_max_num_queries(8) as few:
        alice_client.get(reverse("notices:list"))
    for n in range(2, 60):
        notice_for(alice, n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice_client.get(reverse("notices:list"))


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("notices:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_refuses_post(alice_client):
    assert alice_client.post(reverse("notices:list")).status_code == 405


# --- reading ----------------------------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_goes_where_it_leads(alice, alice_client):
    notice = notice_for(alice, url="/dashboard/")
    response = alice_client.post(reverse("notices:read", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_bob_gets_404_for_alices_notice_and_it_stays_unread(alice, bob_client):
    notice = notice_for(alice)
    assert bob_client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_reading_by_get_is_405(alice, alice_client):
    assert alice_client.get(reverse("notices:read", args=[notice_for(alice).pk])).status_code == 405


def test_mark_all_read_marks_only_alices(alice, bob, alice_client):
    notice_for(alice, 1)
    notice_for(bob, 2)
    assert alice_client.post(reverse("notices:read_all")).status_code == 302
    assert list(Notice.objects.unread().values_list("user__username", flat=True)) == ["bob"]


# --- settings ---------------------------------------------------------------------------------------


def test_alice_chooses_email_for_one_kind(alice, alice_client):
    data = dict.fromkeys(Kind.values, Delivery.IN_APP) | {Kind.REVIEW_ARRIVED: Delivery.IMMEDIATE}
    response = alice_client.post(reverse("notices:preferences"), data)
    assert response.status_code == 302
    assert preference_rows() == [("alice", Kind.REVIEW_ARRIVED, Delivery.IMMEDIATE)]
    page = alice_client.get(reverse("notices:preferences")).content.decode()
    assert "Saved: your notice settings." in page


def test_a_preference_for_a_kind_that_does_not_exist_is_refused_and_changes_nothing(alice, alice_client):
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_OVERDUE, delivery=Delivery.DIGEST)
    before = preference_rows()
    data = dict.fromkeys(Kind.values, Delivery.IMMEDIATE) | {"world_domination": Delivery.IMMEDIATE}
    response = alice_client.post(reverse("notices:preferences"), data)
    assert response.status_code == 400
    assert "There is no kind of notice called &#x27;world_domination&#x27;" in response.content.decode()
    assert preference_rows() == before


def test_a_delivery_that_does_not_exist_is_refused_and_changes_nothing(alice, alice_client):
    data = dict.fromkeys(Kind.values, Delivery.IN_APP) | {Kind.PLAN_OVERDUE: "carrier_pigeon"}
    response = alice_client.post(reverse("notices:preferences"), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert preference_rows() == []


def test_settings_need_a_sign_in(client):
    assert client.get(reverse("notices:preferences")).status_code == 302


# --- one-click unsubscribe (RFC 8058) ---------------------------------------------------------------


def both_preferences(alice):
    NoticePreference.objects.create(user=alice, kind=Kind.REVIEW_ARRIVED, delivery=Delivery.IMMEDIATE)
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_OVERDUE, delivery=Delivery.DIGEST)


def test_one_click_post_without_signing_in_or_csrf_stops_only_that_kind(alice):
    both_preferences(alice)
    client = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no CSRF token
    url = reverse("notices:unsubscribe", args=[unsubscribe.make_token(alice.pk, Kind.REVIEW_ARRIVED)])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more email about" in response.content.decode()
    assert preference_rows() == [("alice", Kind.PLAN_OVERDUE, Delivery.DIGEST)]


def test_the_digest_link_stops_the_digest_only(alice):
    both_preferences(alice)
    url = reverse("notices:unsubscribe", args=[unsubscribe.make_token(alice.pk, unsubscribe.DIGEST)])
    assert Client().post(url).status_code == 200
    assert preference_rows() == [("alice", Kind.REVIEW_ARRIVED, Delivery.IMMEDIATE)]


def test_opening_the_link_shows_a_button_and_changes_nothing(alice):
    both_preferences(alice)
    url = reverse("notices:unsubscribe", args=[unsubscribe.make_token(alice.pk, Kind.REVIEW_ARRIVED)])
    response = Client().get(url)
    assert response.status_code == 200 and "Stop these emails" in response.content.decode()
    assert len(preference_rows()) == 2


def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(alice):
    both_preferences(alice)
    token = unsubscribe.make_token(alice.pk, Kind.REVIEW_ARRIVED)
    forged = signing.dumps({"u": alice.pk, "k": Kind.PLAN_OVERDUE}, salt="not-the-salt")
    for bad in (token[:-3] + "abc", forged, "nonsense"):
        response = Client().post(reverse("notices:unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert len(preference_rows()) == 2


def test_a_link_for_a_kind_that_does_not_exist_is_refused(alice):
    token = signing.dumps({"u": alice.pk, "k": "world_domination"}, salt=unsubscribe.SALT)
    assert Client().post(reverse("notices:unsubscribe", args=[token])).status_code == 400


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(alice, monkeypatch):
    both_preferences(alice)
    token = unsubscribe.make_token(alice.pk, Kind.REVIEW_ARRIVED)
    later = timezone.now().timestamp() + unsubscribe.MAX_AGE.total_seconds() + timedelta(days=1).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = Client().post(reverse("notices:unsubscribe", args=[token]))
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert len(preference_rows()) == 2


def test_a_link_for_a_deleted_account_says_so(alice):
    token = unsubscribe.make_token(alice.pk, Kind.REVIEW_ARRIVED)
    alice.delete()
    response = Client().post(reverse("notices:unsubscribe", args=[token]))
    assert response.status_code == 410 and "no longer exists" in response.content.decode()


def test_download_my_data_has_the_notices_settings_and_mail(alice, bob, alice_client, settings):
    notice_for(alice, 1)
    notice_for(bob, 2, text="bob's own")
    NoticePreference.objects.create(user=alice, kind=Kind.REVIEW_ARRIVED, delivery=Delivery.IMMEDIATE)
    settings.EMAIL_BACKEND = "notices.mail.QueuedEmailBackend"
    send_mail("For alice", "Body", "site@example.com", [alice.email])
    send_mail("For bob", "Body", "site@example.com", [bob.email])
    data = alice_client.get(reverse("accounts:export")).json()
    assert [n["text"] for n in data["notices"]] == ["“Skill 1” in your plan is due on 09 Dec 2026."]
    assert data["notice_settings"] == {Kind.REVIEW_ARRIVED: Delivery.IMMEDIATE}
    assert [m["subject"] for m in data["mail"]] == ["For alice"]
