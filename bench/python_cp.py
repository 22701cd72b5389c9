"""The usual Python choice for comparison: a charge point built on the PyPI `ocpp` package (ChargePoint,
`@on` handlers, payload validation against the OCPP 1.6 schemas, as the package does by default) over
`websockets`. It sends a BootNotification, then answers GetConfiguration and DataTransfer with payloads of
the same shape as the Swift charge point's. Loopback only.

    python bench/python_cp.py --port 19200 [--id PYCP]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime, timezone

from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.client import connect


class BenchChargePoint(ChargePoint):
    configuration = {"HeartbeatInterval": "300", "WebSocketPingInterval": "30"}

    @on(Action.get_configuration)
    def on_get_configuration(self, key=None, **_):
        keys = key if key else list(self.configuration)
        known = [k for k in keys if k in self.configuration]
        return call_result.GetConfiguration(
            configuration_key=[{"key": k, "readonly": False, "value": self.configuration[k]} for k in known],
            unknown_key=[k for k in keys if k not in self.configuration] or None,
        )

    @on(Action.data_transfer)
    def on_data_transfer(self, vendor_id, **_):
        return call_result.DataTransfer(status="UnknownVendorId")

    @on(Action.reset)
    def on_reset(self, type, **_):  # noqa: A002 - the OCPP field name
        return call_result.Reset(status="Rejected")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--id", default="PYCP")
    args = parser.parse_args()
    logging.getLogger("ocpp").setLevel(logging.WARNING)
    async with connect(f"ws://127.0.0.1:{args.port}/{args.id}", subprotocols=["ocpp1.6"], compression=None) as ws:
        cp = BenchChargePoint(args.id, ws)
        runner = asyncio.create_task(cp.start())
        await cp.call(call.BootNotification(charge_point_model="Bench", charge_point_vendor="PyPI-ocpp"))
        await cp.call(
            call.StatusNotification(
                connector_id=0, error_code="NoError", status="Available",
                timestamp=datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")))
        await runner


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
