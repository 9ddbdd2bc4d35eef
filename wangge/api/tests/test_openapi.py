def test_openapi_is_served_by_the_app_without_any_cdn(client, db):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/people/residents" in paths and "/api/areas/locate" in paths
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn." not in body and "https://" not in body.replace("https://swagger.io", "")
