"""Sign-in lockout behind the reverse proxy: keyed on the username and the real client
address, so a stranger cannot lock a known user out; administrators see and lift locks."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from config.client_ip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same machine: every request's REMOTE_ADDR
STRANGER = "203.0.113.9"
REVIEWER_DESK = "198.51.100.23"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.PORTAL_TRUSTED_PROXIES = 1
    # A fast hasher: these tests sign in a few dozen times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def through_proxy(address: str) -> Client:
    """A browser at `address`, reaching the portal through the one trusted proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def sign_in(client: Client, password: str):
    return client.post(LOGIN, {"username": "reviewer", "password": password})


def test_a_stranger_guessing_passwords_cannot_lock_the_reviewer_out(reviewer):
    stranger = through_proxy(STRANGER)
    for _ in range(6):
        sign_in(stranger, "wrong")
    assert "登录已暂时锁定" in sign_in(stranger, "Rv-2021-demo!").content.decode()
    response = sign_in(through_proxy(REVIEWER_DESK), "Rv-2021-demo!")
    assert response.status_code == 302, "the reviewer at their own desk signs in"


def test_the_lock_is_keyed_on_the_client_address_not_the_proxys(reviewer):
    for _ in range(5):
        sign_in(through_proxy(STRANGER), "wrong")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("reviewer", STRANGER)


def test_a_client_cannot_choose_its_address_by_writing_x_forwarded_for(reviewer):
    # The client sends "X-Forwarded-For: 198.51.100.23"; nginx appends its real address.
    forged = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{REVIEWER_DESK}, {STRANGER}")
    for _ in range(5):
        sign_in(forged, "wrong")
    assert AccessAttempt.objects.get().ip_address == STRANGER
    assert sign_in(through_proxy(REVIEWER_DESK), "Rv-2021-demo!").status_code == 302


def test_without_a_trusted_proxy_the_address_is_remote_addr(rf, settings):
    settings.PORTAL_TRUSTED_PROXIES = 0
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=STRANGER)
    assert client_ip(request) == "192.0.2.1"
    settings.PORTAL_TRUSTED_PROXIES = 1
    assert client_ip(request) == STRANGER
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(request) == "192.0.2.1"


def test_the_api_rate_limit_reads_the_same_client_address(client, settings):
    from disclosure.api.throttling import ApiRateThrottle

    request = client.get("/api/v1/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER)
    assert ApiRateThrottle().get_ident(request.wsgi_request) == STRANGER


def test_an_administrator_sees_the_lock_and_lifts_it(client, reviewer, administrator):
    for _ in range(5):
        sign_in(through_proxy(STRANGER), "wrong")
    client.force_login(administrator)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "reviewer" in page and STRANGER in page
    attempt = AccessAttempt.objects.get()
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(through_proxy(STRANGER), "Rv-2021-demo!").status_code == 302
