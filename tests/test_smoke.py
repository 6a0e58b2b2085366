def test_home_page_in_swedish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.get_data(as_text=True)
