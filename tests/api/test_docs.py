"""The OpenAPI 3.1 description made from the code, and its reference page served from the
swagger-ui-py package (no CDN)."""

import re

from tests.api.test_routes import ROUTES


def test_the_description_is_openapi_3_1_and_covers_every_endpoint(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearer": []}]
    documented = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            documented.add((method.upper(), re.sub(r"\{[a-z_]+\}", "{}", path)))
            responses = operation["responses"]
            assert "default" not in responses
            for status in ("401", "403", "404", "422", "429"):
                problem = responses[status]["content"]["application/problem+json"]
                assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    table = {(method, re.sub(r"\{[a-z_]+\}", "{}", url.split("?")[0].replace("2020-08", "{}")))
             for endpoint, (method, url, _body, _allowed) in ROUTES.items()
             if not endpoint.startswith("api.")}
    assert table == documented
    multipart = spec["paths"]["/api/v1/tasks/{task_id}/updates"]["post"]["requestBody"]
    assert "multipart/form-data" in multipart["content"]
    assert spec["components"]["schemas"]["Problem"]["properties"]["errors"]


def test_the_reference_page_loads_only_local_files(app, client):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "swagger-ui" in html
    assert "http://" not in html and "https://" not in html
    for source in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert source.startswith("/api/v1/docs/"), source
        assert client.get(source).status_code == 200, source
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    bundle = client.get("/api/v1/docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.data) > 100_000
    assert client.get("/api/v1/docs/../../config.py").status_code == 404
    assert client.get("/api/v1/docs/index.html").status_code == 404
