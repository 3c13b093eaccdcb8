"""The API refuses parameters it cannot honour with 400 naming them, and answers JSON always."""

from oversight.conftest import client_for


def test_it_refuses_a_paging_parameter_that_is_not_a_number_in_range(loop_county):
    client = client_for(loop_county.town1_officer)
    for query, name in [
        ("offset=null", "offset"),
        ("limit=null", "limit"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999", "offset"),
    ]:
        response = client.get(f"/api/work/items/?{query}")
        assert response.status_code == 400, query
        assert name in response.json(), query
    assert client.get("/api/work/items/?limit=500&offset=0").status_code == 200


def test_it_refuses_an_unknown_filter_value(loop_county):
    client = client_for(loop_county.town1_officer)
    response = client.get("/api/work/items/?status=AAA")
    assert response.status_code == 400
    assert response.json()["status"][0]
    assert client.get("/api/work/items/?light=purple").status_code == 400
    assert client.get("/api/work/items/?kind=" + "k" * 65).status_code == 400
    assert client.get("/api/orgs/nodes/?q=" + "q" * 101).status_code == 400
    assert client.get("/api/work/items/?status=open&light=red").status_code == 200


def test_it_answers_json_for_ids_beyond_any_column(loop_county):
    client = client_for(loop_county.town1_officer)
    for path in ["/api/work/items/99999999999999999999/", "/api/orgs/nodes/%C2%84/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_it_drops_nul_characters_from_text_parameters(loop_county):
    client = client_for(loop_county.town1_officer)
    assert client.get("/api/orgs/nodes/?q=%00Town").status_code == 200
    assert client.get("/api/work/items/?kind=matters.task%00").status_code == 200
