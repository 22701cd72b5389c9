"""OCPP 2.0.1 functional block I (tariff and cost), end to end: CostUpdated from the PyPI `ocpp` 2.0.1 central
system (every frame checked against the official schemas) to the real `chargepoint serve --ocpp 2.0.1`, and
what the transaction resource shows the driver: the running cost, and the TariffCostCtrlr fallback messages
when the CSMS says nothing or is out of reach."""

from __future__ import annotations

import pytest
from ocpp.v201 import call

from conftest import running_csms
from ocpp201_helpers import start, stop, transaction, wait_event


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def configure(station, key: str, value: str) -> None:
    station.api.ok_json("PUT", f"/api/v1/configuration/{key}", json={"value": value})


def test_TC_I_03_CS_the_running_cost_and_the_fallback_messages(csms, chargepoint):
    """CostUpdated's running cost shows on the transaction; without a personal message the driver reads
    TariffFallbackMessage [I01], and once the transaction ended offline without its total cost,
    TotalCostFallbackMessage [I03]; Enabled[Cost] false hides the cost."""
    station = chargepoint(connectors=1)
    configure(station, "TariffCostCtrlr.TariffFallbackMessage", "0.35 EUR/kWh")
    configure(station, "TariffCostCtrlr.TotalCostFallbackMessage", "Your invoice will follow")
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_event(csms, station, lambda e: e["transactionInfo"].get("chargingState") == "Charging", "Charging")
    assert transaction(station, transaction_id)["personalMessage"] == "0.35 EUR/kWh"

    csms.call(station.identity, call.CostUpdated(total_cost=2.75, transaction_id=transaction_id))
    shown = transaction(station, transaction_id)
    assert (shown["totalCost"], shown["currency"]) == (2.75, "EUR")
    configure(station, "TariffCostCtrlr.Enabled[Cost]", "false")
    assert transaction(station, transaction_id)["totalCost"] is None
    configure(station, "TariffCostCtrlr.Enabled[Cost]", "true")

    csms.stop(abrupt=True)
    csms.wait_for(lambda: station.api.status()["link"] != "connected", 15, "the station to notice the CSMS is gone")
    stop(station, 1)
    # Ended offline: the running cost stays, and the driver is told the total will follow.
    ended = transaction(station, transaction_id)
    assert ended["stoppedAt"] is not None and ended["pendingDelivery"] is True
    assert (ended["totalCost"], ended["personalMessage"]) == (2.75, "Your invoice will follow")
