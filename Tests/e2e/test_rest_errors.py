"""Bad REST input gets a 4xx application/problem+json and leaves the service healthy
(contract: "Errors are RFC 9457")."""

import json

import pytest

from harness import assert_problem

BODY_LIMIT = 64 * 1024
OVERSIZED_BODY = json.dumps({"idTag": "TAG1", "padding": "x" * (100 * 1024)})

# (test id, method, path, raw body or None, expected status)
BAD_REQUESTS = [
    ("invalid-json", "POST", "/api/v1/authorize", '{"idTag": ', 400),
    ("wrong-type", "POST", "/api/v1/authorize", '{"idTag": 5}', 422),
    ("idtag-21-chars", "POST", "/api/v1/authorize", json.dumps({"idTag": "T" * 21}), 422),
    ("unknown-field", "POST", "/api/v1/authorize", '{"idTag": "TAG1", "colour": "red"}', 422),
    ("missing-field", "POST", "/api/v1/connectors/1/start", "{}", 422),
    ("unknown-connector", "POST", "/api/v1/connectors/99/start", '{"idTag": "TAG1"}', 404),
    ("non-numeric-connector", "GET", "/api/v1/connectors/abc", None, 404),
    ("unknown-route", "GET", "/api/v1/nothing-here", None, 404),
    ("unknown-transaction", "GET", "/api/v1/transactions/987654", None, 404),
    ("wrong-method", "DELETE", "/api/v1/connectors/1", None, 405),
    ("body-too-large", "POST", "/api/v1/authorize", OVERSIZED_BODY, 413),
    ("bad-stop-reason", "POST", "/api/v1/connectors/2/stop", '{"reason": "Nope"}', 422),
    ("negative-energy", "PUT", "/api/v1/connectors/1/meter", '{"energyWh": -5}', 422),
    ("empty-meter-update", "PUT", "/api/v1/connectors/1/meter", "{}", 422),
]


@pytest.fixture(scope="module")
def cp(module_chargepoint):
    """One charge point for the module, charging on connector 2 so that a bad stop reason
    is the only thing wrong with the stop request."""
    cp = module_chargepoint()
    cp.api.ok_json("POST", "/api/v1/connectors/2/start", 201, json={"idTag": "TAG1"})
    return cp


@pytest.mark.parametrize("method, path, body, status",
                         [case[1:] for case in BAD_REQUESTS], ids=[case[0] for case in BAD_REQUESTS])
def test_bad_request_gets_problem_json(cp, method, path, body, status):
    response = cp.api.request(method, path, data=body)

    problem = assert_problem(response, status)
    if status == 405:
        assert "GET" in response.headers.get("Allow", ""), response.headers
    assert cp.api.ok_json("GET", "/healthz") == {"status": "ok"}, problem


def test_meter_register_cannot_go_backwards(cp):
    energy = cp.api.connector(1)["energyWh"]
    cp.api.set_meter(1, energyWh=energy + 1000)

    assert_problem(cp.api.put("/api/v1/connectors/1/meter", json={"energyWh": energy + 500}), 422)
    assert cp.api.connector(1)["energyWh"] == energy + 1000


def test_request_content_type_is_not_checked(cp):
    response = cp.api.post("/api/v1/authorize", data='{"idTag": "TAG2"}',
                           headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert response.status_code == 200
    assert response.json() == {"idTag": "TAG2", "status": "Accepted", "source": "centralSystem"}


@pytest.mark.parametrize("path", [
    "/api/v1/connectors/%00", "/api/v1/connectors/1%00xyz", "/api/v1/connectors/1%2Fstart",
    "/api/v1/transactions/%00", "/api/v1/configuration/%00", "/api/v1/connectors/%zz",
])
def test_encoded_nul_slash_and_bad_escapes_name_nothing(cp, path):
    response = cp.api.get(path)
    assert_problem(response, 404)
