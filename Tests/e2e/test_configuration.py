"""GetConfiguration / ChangeConfiguration (reference §5.3)."""

from ocpp.v16 import call

from conftest import CSMS_HEARTBEAT_INTERVAL

# Keys the contract lists for this slice, with the values a fresh test CP must report
# (None: present, value not pinned by the contract). MeterValueSampleInterval comes from
# the fixture's --ocpp-config, HeartbeatInterval from the CSMS's BootNotification answer.
EXPECTED_VALUES = {
    "HeartbeatInterval": str(CSMS_HEARTBEAT_INTERVAL),
    "MeterValueSampleInterval": "1",
    "MeterValuesSampledData": "Energy.Active.Import.Register,Power.Active.Import",
    "StopTxnSampledData": "Energy.Active.Import.Register",
    "StopTransactionOnEVSideDisconnect": "true",
    "StopTransactionOnInvalidId": "true",
    "AuthorizeRemoteTxRequests": "false",
    "AllowOfflineTxForUnknownId": "false",
    "LocalAuthorizeOffline": None,
    "LocalPreAuthorize": None,
    "ConnectionTimeOut": "60",
    "TransactionMessageAttempts": "3",
    "TransactionMessageRetryInterval": "60",
    "WebSocketPingInterval": None,
    "MessageTimeout": "30",
    "NumberOfConnectors": "2",
    "SupportedFeatureProfiles": None,
    "GetConfigurationMaxKeys": None,
    "UnlockConnectorOnEVSideDisconnect": None,
}
READ_ONLY = {"NumberOfConnectors", "SupportedFeatureProfiles", "GetConfigurationMaxKeys"}
MAY_BE_READ_ONLY = {"AuthorizeRemoteTxRequests", "StopTransactionOnEVSideDisconnect"}  # R/RW in the spec
READ_WRITE = set(EXPECTED_VALUES) - READ_ONLY - MAY_BE_READ_ONLY

CHANGES = [  # (key, value, expected status) applied in this order
    ("MeterValueSampleInterval", "2", "Accepted"),
    ("NumberOfConnectors", "3", "Rejected"),
    ("FooBarUnknownKey", "1", "NotSupported"),
    ("MeterValueSampleInterval", "abc", "Rejected"),
    ("WebSocketPingInterval", "-1", "Rejected"),
    ("MeterValuesSampledData", "Energy.Active.Import.Register,No.Such.Measurand", "Rejected"),
]
VALUES_AFTER_CHANGES = {
    "MeterValueSampleInterval": "2",
    "NumberOfConnectors": "2",
    "MeterValuesSampledData": EXPECTED_VALUES["MeterValuesSampledData"],
}


def get_configuration(csms, identity, keys=None):
    """GetConfiguration as {key: entry} plus the unknownKey list."""
    result = csms.call(identity, call.GetConfiguration(key=keys))
    entries = {entry["key"]: entry for entry in result.configuration_key or []}
    assert len(entries) == len(result.configuration_key or []), "a key is listed twice"
    return entries, result.unknown_key or []


def test_get_configuration_lists_every_key(csms, chargepoint):
    cp = chargepoint()

    entries, unknown = get_configuration(csms, cp.identity)

    assert unknown == []
    assert set(EXPECTED_VALUES) <= set(entries), sorted(set(EXPECTED_VALUES) - set(entries))
    assert "AuthorizationKey" not in entries
    pinned = {key: value for key, value in EXPECTED_VALUES.items() if value is not None}
    assert {key: entries[key].get("value") for key in pinned} == pinned
    assert {key for key in READ_ONLY if entries[key]["readonly"] is not True} == set()
    assert {key for key in READ_WRITE if entries[key]["readonly"] is not False} == set()
    assert "Core" in entries["SupportedFeatureProfiles"]["value"].split(",")
    assert get_configuration(csms, cp.identity, keys=[])[0].keys() == entries.keys()


def test_get_configuration_reports_unknown_keys(csms, chargepoint):
    cp = chargepoint()

    entries, unknown = get_configuration(csms, cp.identity, ["MeterValueSampleInterval", "NoSuchKey42"])

    assert list(entries) == ["MeterValueSampleInterval"]
    assert entries["MeterValueSampleInterval"]["value"] == "1"
    assert unknown == ["NoSuchKey42"]


def test_change_configuration_accepts_valid_and_refuses_invalid_changes(csms, chargepoint):
    cp = chargepoint()

    answers = [(key, value, csms.call(cp.identity, call.ChangeConfiguration(key=key, value=value)).status)
               for key, value, _ in CHANGES]

    assert answers == CHANGES
    entries, _ = get_configuration(csms, cp.identity, list(VALUES_AFTER_CHANGES))
    assert {key: entry["value"] for key, entry in entries.items()} == VALUES_AFTER_CHANGES
