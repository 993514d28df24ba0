"""/api/docs/ renders the Swagger UI from our own static files, with no request off the host."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SWAGGER_DIST = "drf_spectacular_sidecar/swagger-ui-dist"


def test_api_docs_render_offline(page, live_server, static_statuses):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    schema_url = f"{live_server.url}/api/schema/"

    with page.expect_response(schema_url) as schema:
        page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tierdesk API")
    tickets = page.locator(".opblock-tag-section").filter(
        has=page.locator(".opblock-tag", has_text="tickets")
    )
    expect(tickets.locator(".opblock-summary-path").first).to_contain_text("/api/tickets/")
    assert schema.value.status == 200
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert static_statuses[f"{SWAGGER_DIST}/{asset}"] == 200
    offsite = [url for url in requested if not url.startswith(f"{live_server.url}/")]
    assert offsite == []
