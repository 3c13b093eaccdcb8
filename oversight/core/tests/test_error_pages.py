"""Error pages speak the interface's language; the API's errors are JSON."""

from django.test import Client, RequestFactory

from oversight.core import errors


def test_it_answers_a_bad_request_with_a_translated_page(db):
    response = Client().get("/p/", HTTP_HOST="not-allowed.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and "Bad Request (400)" not in page


def test_it_answers_a_server_error_with_a_translated_page_without_the_database():
    response = errors.server_error(RequestFactory().get("/matters/"))
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()
    api = errors.server_error(RequestFactory().get("/api/work/items/"))
    assert api["Content-Type"] == "application/json"


def test_it_answers_an_unknown_api_path_in_json(db):
    response = Client().get("/api/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
