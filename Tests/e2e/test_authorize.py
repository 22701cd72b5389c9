"""POST /api/v1/authorize asks the CSMS and reports its verdict (contract: always 200)."""

import pytest


@pytest.mark.parametrize("id_tag, expected", [
    ("TAG1", "Accepted"),
    ("UNKNOWN7", "Invalid"),
    ("BLOCKED1", "Blocked"),
])
def test_authorize_reports_the_csms_verdict(csms, chargepoint, id_tag, expected):
    cp = chargepoint()

    body = cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": id_tag})

    assert body == {"idTag": id_tag, "status": expected, "source": "centralSystem"}
    assert csms.calls("Authorize", cp.identity) == [{"idTag": id_tag}]
