"""GET /metrics: Prometheus text format that a real parser accepts, with counters that move as the
charge point works."""

from prometheus_client.parser import text_string_to_metric_families


def scrape(cp) -> dict[tuple[str, frozenset], float]:
    response = cp.api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_parse_and_follow_a_session(csms, chargepoint):
    cp = chargepoint()
    before = scrape(cp)
    assert value(before, "ocpp_link_up") == 1
    assert value(before, "ocpp_registration", status="Accepted") == 1
    assert value(before, "ocpp_registration", status="Pending") == 0
    assert value(before, "ocpp_connections_total") == 1
    assert value(before, "ocpp_frames_total", direction="out", type="CALL", action="BootNotification") == 1
    assert value(before, "ocpp_frames_total", direction="out", type="CALL", action="StatusNotification") == 3
    assert value(before, "chargepoint_connector_status", connector="1", status="Available") == 1

    cp.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
    csms.send_raw(cp.identity, '[2,"m-1","FooBar",{}]')
    csms.wait_for(lambda: csms.frames(identity=cp.identity, type_id=4), 10, "the CALLERROR for FooBar")
    during = scrape(cp)
    assert value(during, "ocpp_frames_total", direction="out", type="CALL", action="StartTransaction") == 1
    assert value(during, "ocpp_frames_total", direction="in", type="CALLRESULT", action="StartTransaction") == 1
    assert value(during, "ocpp_call_duration_seconds_count", action="StartTransaction") == 1
    assert 0 < value(during, "ocpp_call_duration_seconds_sum", action="StartTransaction") < 5
    assert value(during, "ocpp_callerrors_total", direction="out", code="NotImplemented") == 1
    assert value(during, "ocpp_frames_total", direction="in", type="CALL", action="(unknown)") == 1
    assert value(during, "chargepoint_connector_status", connector="1", status="Charging") == 1
    assert value(during, "chargepoint_connector_status", connector="1", status="Available") == 0
    assert value(during, "chargepoint_connector_power_watts", connector="1") == 11000
    assert value(during, "http_requests_total", route="/api/v1/connectors/{id}/start", method="POST", status="201") == 1
    assert value(during, "http_request_duration_seconds_count", route="/api/v1/connectors/{id}/start") == 1
    assert value(during, "http_requests_total", route="/metrics", method="GET", status="200") == 1

    cp.api.set_meter(1, energyWh=5000)
    cp.api.ok_json("POST", "/api/v1/connectors/1/stop")
    after = scrape(cp)
    assert value(after, "chargepoint_connector_energy_wh", connector="1") == 5000
    assert value(after, "chargepoint_connector_power_watts", connector="1") == 0
    assert value(after, "ocpp_queued_transaction_messages") == 0
    assert value(after, "ocpp_frames_total", direction="out", type="CALL", action="StopTransaction") == 1
