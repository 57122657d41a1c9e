"""Bad input is answered 400 or ignored, never 500; error pages are the site's own, in Chinese
(and in English when English is chosen)."""

import pytest
from django.test import Client
from django.urls import reverse

from disclosure import selectors
from disclosure.importing.errors import ImportRejected
from disclosure.importing.sources import read_sheets
from disclosure.params import text_param, year_param

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=%E4%BF%A1%00%E8%AE%BF",
        "parent=%00",
        "year=99999999999999999999999",
        "year=%C2%B2",  # "²": str.isdigit() says yes, int() says no
        "year=-1",
        "year=abc",
        "page=abc",
        "page=99999999999999999999999",
        "sort=%00",
        "sort=nonexistent",
    ],
)
def test_the_public_list_never_answers_500_to_bad_parameters(client, seed_disclosure, query):
    response = client.get(f"{reverse('disclosure:list')}?{query}")
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize("query", ["sort=%00", "sort=-nonexistent", "sort=department%00"])
def test_the_board_never_answers_500_to_bad_sorting(client, seed_disclosure, query):
    response = client.get(f"{reverse('disclosure:board', args=[2021])}?{query}")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("query", ["year=%00", "department=%00", "year=%C2%B2", "page=%00"])
def test_the_api_never_answers_500_to_bad_parameters(client, seed_disclosure, query):
    response = client.get(f"/api/v1/disclosures/?{query}")
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize("year", ["abc", "%C2%B2", "99999999999999999999999", "%00"])
def test_the_workspace_ignores_a_year_it_cannot_read(client, reviewer, year):
    client.force_login(reviewer)
    response = client.get(f"{reverse('workspace:home')}?year={year}")
    assert response.status_code == 200
    assert response.context["year"] == response.context["today"].year - 1


def test_the_search_shows_the_text_without_its_control_characters(client, seed_disclosure):
    response = client.get(reverse("disclosure:list"), {"q": "信\x00访"})
    assert response.status_code == 200
    assert response.context["q"] == "信访"
    assert "玉溪市信访局" in response.content.decode()


def test_parameters_are_read_strictly():
    assert year_param("2021") == 2021
    assert year_param("²") is None and year_param("２０２１") is None
    assert year_param("99999999999999999999999") is None and year_param(None) is None
    assert text_param(" 信\x00访\x1f ", max_length=50) == "信访"
    assert text_param("长" * 80, max_length=50) == "长" * 50


def test_a_nul_byte_after_the_first_four_kilobytes_is_refused_in_chinese():
    data = ("收入决算表\n" + "项目\t金额\n" * 600).encode() + b"\x00" + b"1\t2\n"
    assert b"\x00" not in data[:4096]
    with pytest.raises(ImportRejected) as refused:
        read_sheets(data)
    assert "空字符（NUL）" in str(refused.value)


# ------------------------------------------------------------------ error pages
def test_a_missing_page_is_the_sites_own_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'class="site"' in page


def test_the_404_page_is_english_when_english_is_chosen(client):
    client.cookies["django_language"] = "en"
    page = client.get("/no-such-page/").content.decode()
    assert "Page not found" in page and "页面不存在" not in page


def test_a_server_error_is_the_sites_own_chinese_500(seed_disclosure, monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(selectors, "published_years", broken)
    client = Client(raise_request_exception=False)
    response = client.get(reverse("disclosure:list"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错了" in page and "错误已记录" in page
    assert "the database went away" not in page
    client.cookies["django_language"] = "en"
    assert "Server error" in client.get(reverse("disclosure:list")).content.decode()


def test_a_form_posted_without_its_csrf_token_gets_the_chinese_403(reviewer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_a_bad_request_gets_the_chinese_400(client, settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
