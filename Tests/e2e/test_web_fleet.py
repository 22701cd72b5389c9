"""The fleet page (Web/fleet.html) in headless Chromium against a real `chargepoint fleet` and the test CSMS:
its totals and table agree with the fleet's API, the filters and paging narrow and move the table (and live in
the page's address, so Back from a station's page returns to them), a station's name opens that station's own
page, the traffic button switches the generated drivers, polling pauses while the tab is hidden, and a fleet
with an API token asks for it once for the fleet page and the station pages alike. Screenshots at desktop and
phone width go to artifacts/.

Half the stations are given a central system nobody listens on (round-robin over two URLs), so the fleet has
connected and unconnected stations at once. The browser, the screenshots and the waits are test_web's."""

from __future__ import annotations

import secrets
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from conftest import running_csms
from csms import wait_until
from harness import FleetProcess, RestClient, free_port
from test_web import (ARTIFACTS, DESKTOP, PHONE, WEB_ROOT, browser, no_horizontal_overflow,  # noqa: F401
                      screenshot, text_of, wait, wait_text, watched)

FLEET_SIZE = 120            # more than one page of 100
CONNECTED = FLEET_SIZE // 2  # the other half points at a port nobody listens on
SEED = "9007199254740993"   # 2^53 + 1: a number JSON.parse would round


@pytest.fixture(scope="module")
def csms():
    with running_csms() as csms:
        yield csms


@pytest.fixture(scope="module")
def fleet(csms, tmp_path_factory):
    """120 stations of OCPP 1.6 with generated drivers; the odd half reaches the CSMS, the rest never does."""
    nobody = f"ws://127.0.0.1:{free_port()}"
    fleet = FleetProcess([csms.url, nobody], tmp_path_factory.mktemp("fleet") / "data", FLEET_SIZE, args=[
        "--web-root", str(WEB_ROOT), "--connectors", "1", "--traffic", "on", "--session-interval", "1",
        "--id-tags", "TAG1,TAG2", "--seed", SEED])
    fleet.diagnostics = lambda: f"--- fleet log (tail) ---\n{fleet.log_tail()}"
    try:
        fleet.start()
        wait_until(lambda: fleet.stations(link="connected", registration="Accepted")["total"] == CONNECTED,
                   60, f"{CONNECTED} stations connected and Accepted", interval=0.2)
        yield fleet
    finally:
        fleet.terminate()


@pytest.fixture
def page(browser, fleet, request):  # noqa: F811 (browser is test_web's fixture)
    """The fleet page, loaded with its first answer shown, watched for script errors."""
    with watched(browser, request):
        browser.get(fleet.api.base_url + "/")
        wait(browser, lambda d: table_rows(d), "the stations table")
        yield browser


# ----- helpers ---------------------------------------------------------------------------

def table_rows(driver: WebDriver) -> list[dict]:
    """The table as shown: each row's identity and link, its cells' text and its badges' tones."""
    return driver.execute_script("""
        return [...document.querySelectorAll('#stations-body tr')].map((tr) => {
            const name = tr.querySelector('th[scope=row] a');
            return {identity: name.textContent, href: name.href,
                    cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
                    tones: [...tr.querySelectorAll('.badge')].map((b) => b.className.match(/tone-(\\w+)/)[1])};
        });""")


def shown_identities(driver: WebDriver) -> list[str]:
    return [row["identity"] for row in table_rows(driver)]


def identities(page: dict) -> list[str]:
    return [station["identity"] for station in page["stations"]]


def wait_identities(driver: WebDriver, expected: list[str], what: str) -> None:
    wait(driver, lambda d: shown_identities(d) == expected, what)


def is_off(driver: WebDriver, selector: str) -> bool:
    return driver.find_element(By.CSS_SELECTOR, selector).get_attribute("aria-disabled") == "true"


def page_query(driver: WebDriver) -> str:
    return driver.execute_script("return location.search")


def fetches_in(driver: WebDriver, seconds: float, hidden: bool | None = None) -> int:
    """How many requests the page makes in `seconds` (fetch counted by a wrapper put in now), after the tab
    went to the background (`hidden`) or came back, if given. Headless Chromium has no tabs to switch, so
    the page is told what a browser tells it then: document.hidden and a visibilitychange event."""
    return driver.execute_async_script("""
        const [seconds, hidden, done] = arguments;
        let count = 0;
        const original = window.fetch;
        window.fetch = (...args) => { count += 1; return original(...args); };
        if (hidden !== null) {
            Object.defineProperty(document, 'hidden', {value: hidden, configurable: true});
            Object.defineProperty(document, 'visibilityState', {value: hidden ? 'hidden' : 'visible', configurable: true});
            document.dispatchEvent(new Event('visibilitychange'));
        }
        setTimeout(() => { window.fetch = original; done(count); }, seconds * 1000);""", seconds, hidden)


# ----- tests ---------------------------------------------------------------------------

def test_totals_and_the_first_page_agree_with_the_api(page, fleet):
    driver = page
    everything = fleet.stations()
    assert everything["total"] == FLEET_SIZE
    wait_text(driver, "#total-stations", str(FLEET_SIZE))
    wait_text(driver, "#total-connected", str(fleet.stations(link="connected")["total"]))
    wait_text(driver, "#total-accepted", str(fleet.stations(registration="Accepted")["total"]))
    assert text_of(driver, "#total-connected") == str(CONNECTED)
    assert "pending" in driver.find_element(By.ID, "total-connected").get_attribute("class"), \
        "fewer connected than stations is not marked"
    assert text_of(driver, "#traffic-seed") == SEED

    # The first 100 stations in fleet order, each a relative link to its own page, with the badges the
    # single-station page uses; the connected ones agree with the API exactly (the others go back and forth
    # between connecting and disconnected while they retry).
    rows = table_rows(driver)
    assert [row["identity"] for row in rows] == fleet.identities[:100] == identities(everything)[:100]
    by_identity = {station["identity"]: station for station in everything["stations"]}
    for row in rows:
        station = by_identity[row["identity"]]
        assert row["href"] == f"{fleet.api.base_url}/stations/{quote(row['identity'], safe='')}/"
        ocpp, link, registration, queued, uptime = row["cells"]
        assert ocpp == "1.6"
        assert uptime.endswith((" s", " min", " h")), uptime
        if station["link"] == "connected":
            assert (link, registration) == ("connected", "Accepted") and row["tones"] == ["ok", "ok"], row
        else:
            assert registration == "Unknown" and row["tones"][1] == "neutral", row
            assert (link, row["tones"][0]) in {("connecting", "warn"), ("disconnected", "danger")}, row
            assert queued.isdigit(), row
    assert driver.find_element(By.CSS_SELECTOR, "#stations-wrap table caption").get_attribute("textContent") \
        == f"Stations 1–100 of {FLEET_SIZE}"
    assert text_of(driver, "#page-range") == f"1–100 of {FLEET_SIZE}"
    assert "Stations 1–100" in text_of(driver, "#status-line")

    screenshot(driver, "web-fleet-desktop", DESKTOP)
    screenshot(driver, "web-fleet-phone", PHONE)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        screenshot(driver, "web-fleet-dark-desktop", DESKTOP)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_at_phone_width_the_table_scrolls_with_the_identity_in_view(page):
    driver = page
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
    try:
        wait(driver, lambda d: d.execute_script("return window.innerWidth") == PHONE[0], "a phone-wide viewport")
        assert no_horizontal_overflow(driver), "the page scrolls sideways"
        geometry = driver.execute_script("""
            const wrap = document.getElementById('stations-wrap');
            wrap.scrollIntoView();
            wrap.scrollLeft = wrap.scrollWidth;
            const box = wrap.getBoundingClientRect();
            return {overflows: wrap.scrollWidth > wrap.clientWidth, boxLeft: box.left, boxRight: box.right,
                    nameLeft: wrap.querySelector('tbody th').getBoundingClientRect().left,
                    lastRight: wrap.querySelector('thead th:last-child').getBoundingClientRect().right};""")
        assert geometry["overflows"], "six columns fit a phone: this test no longer sees the sideways scroll"
        assert abs(geometry["nameLeft"] - geometry["boxLeft"]) < 1, f"the identity scrolled away: {geometry}"
        assert geometry["lastRight"] <= geometry["boxRight"] + 1, f"the last column is out of reach: {geometry}"
        driver.save_screenshot(str(ARTIFACTS / "web-fleet-phone-scrolled.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_paging_moves_through_the_fleet_by_keyboard(page, fleet):
    driver = page
    previous = driver.find_element(By.ID, "previous-page")
    following = driver.find_element(By.ID, "next-page")
    assert is_off(driver, "#previous-page") and not is_off(driver, "#next-page")
    previous.send_keys(Keys.ENTER)  # off: nothing happens
    assert text_of(driver, "#page-range") == f"1–100 of {FLEET_SIZE}"

    following.send_keys(Keys.ENTER)
    wait_identities(driver, fleet.identities[100:], "the second page")
    assert text_of(driver, "#page-range") == f"101–{FLEET_SIZE} of {FLEET_SIZE}"
    assert is_off(driver, "#next-page") and not is_off(driver, "#previous-page")
    assert driver.switch_to.active_element == following, "the focus left the button that turned off"
    assert page_query(driver) == "?offset=100"
    wait(driver, lambda d: f"Stations 101–{FLEET_SIZE}" in text_of(d, "#status-line"), "the new range announced")

    driver.refresh()  # the address keeps the page
    wait_identities(driver, fleet.identities[100:], "the second page after a reload")
    driver.find_element(By.ID, "previous-page").send_keys(Keys.ENTER)
    wait_identities(driver, fleet.identities[:100], "the first page again")
    assert page_query(driver) == ""

    # The address may choose the page size; a page past the end shows the last one.
    driver.get(f"{fleet.api.base_url}/?limit=50&offset=50")
    wait_identities(driver, fleet.identities[50:100], "stations 51 to 100")
    assert text_of(driver, "#page-range") == f"51–100 of {FLEET_SIZE}"
    driver.get(f"{fleet.api.base_url}/?limit=50&offset=500")
    wait_identities(driver, fleet.identities[100:], "the last page of 50")
    assert page_query(driver) == "?offset=100&limit=50"


def test_filters_narrow_the_table_and_back_from_a_station_keeps_them(page, fleet):
    driver = page
    Select(driver.find_element(By.ID, "link-filter")).select_by_value("connected")
    connected = fleet.stations(link="connected")
    assert connected["total"] == CONNECTED
    wait_identities(driver, identities(connected), "the connected stations only")
    assert {row["cells"][1] for row in table_rows(driver)} == {"connected"}
    assert text_of(driver, "#page-range") == f"1–{CONNECTED} of {CONNECTED}"
    assert is_off(driver, "#next-page")
    assert page_query(driver) == "?link=connected"

    Select(driver.find_element(By.ID, "registration-filter")).select_by_value("Rejected")
    empty = driver.find_element(By.ID, "stations-empty")
    wait(driver, lambda d: empty.is_displayed(), "the empty table")
    assert empty.text == "No station matches these filters."
    assert not driver.find_element(By.ID, "stations-wrap").is_displayed()
    assert text_of(driver, "#page-range") == "0 of 0"
    Select(driver.find_element(By.ID, "registration-filter")).select_by_value("")
    wait_identities(driver, identities(connected), "the connected stations again")
    # No connector is Faulted: the connector filter reaches the API and empties the table.
    Select(driver.find_element(By.ID, "status-filter")).select_by_value("Faulted")
    wait(driver, lambda d: empty.is_displayed(), "the empty table for Faulted connectors")
    assert page_query(driver) == "?link=connected&status=Faulted"
    Select(driver.find_element(By.ID, "status-filter")).select_by_value("")
    wait_identities(driver, identities(connected), "the connected stations again")

    # A station's name opens its own page, which talks to that station through the fleet.
    identity = identities(connected)[1]
    driver.find_element(By.LINK_TEXT, identity).click()
    wait_text(driver, "#identity", identity)
    wait_text(driver, "#link-badge", "connected")
    wait_text(driver, "#registration-badge", "Accepted")
    assert driver.current_url == f"{fleet.api.base_url}/stations/{identity}/"
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#frames > li[data-action="BootNotification"]'),
         "the station's own frame log")
    fleet_link = driver.find_element(By.ID, "fleet-link")
    assert fleet_link.is_displayed() and fleet_link.get_attribute("href") == f"{fleet.api.base_url}/"

    driver.back()
    wait_identities(driver, identities(fleet.stations(link="connected")), "the filtered table after Back")
    assert Select(driver.find_element(By.ID, "link-filter")).first_selected_option.get_attribute("value") == "connected"


def test_the_traffic_button_switches_the_drivers(page, fleet):
    driver = page
    assert fleet.api.ok_json("GET", "/api/v1/traffic")["running"] is True
    wait_text(driver, "#traffic-badge", "running")
    toggle = driver.find_element(By.ID, "traffic-toggle")
    assert toggle.text == "Stop traffic"

    toggle.click()
    wait_text(driver, "#traffic-badge", "stopped")
    assert fleet.api.ok_json("GET", "/api/v1/traffic")["running"] is False
    assert toggle.text == "Start traffic"
    assert "Traffic stopped" in text_of(driver, "#status-line")
    # With no new drivers the count of sessions settles; the page shows the API's.
    wait(driver, lambda d: text_of(d, "#total-sessions")
         == str(fleet.api.ok_json("GET", "/api/v1/traffic")["sessions"]), "the sessions the API counts")
    assert int(text_of(driver, "#total-sessions")) > 0

    toggle.send_keys(Keys.ENTER)
    wait_text(driver, "#traffic-badge", "running")
    assert fleet.api.ok_json("GET", "/api/v1/traffic")["running"] is True
    assert driver.switch_to.active_element == toggle


def test_polling_pauses_while_the_tab_is_hidden(page):
    driver = page
    assert fetches_in(driver, 2.5) >= 5, "the page does not poll"
    fetches_in(driver, 0.5, hidden=True)  # a poll under way may still finish
    assert fetches_in(driver, 4.5) == 0, "the page polls while hidden"
    assert fetches_in(driver, 0.5, hidden=False) >= 5, "no poll at once when shown again"


def test_a_fleet_with_a_token_asks_once_for_every_page(browser, csms, tmp_path, request):  # noqa: F811
    """Started with --api-token-file (and --vehicles off), the fleet page asks for the token, says why a
    wrong one is refused, then shows the fleet; a station's page opened from it does not ask again."""
    token = secrets.token_hex(24)
    token_path = tmp_path / "fleet.token"
    token_path.write_text(token + "\n")
    fleet = FleetProcess([csms.url], tmp_path / "data", 3, args=[
        "--web-root", str(WEB_ROOT), "--api-token-file", str(token_path), "--vehicles", "off"])
    fleet.api = RestClient(fleet.api.base_url, token=token)
    try:
        fleet.start()
        fleet.wait_all_accepted()
        with watched(browser, request) as driver:
            try:
                driver.get(fleet.api.base_url + "/")
                token_input = driver.find_element(By.ID, "token-input")
                wait(driver, lambda d: token_input.is_displayed() and d.switch_to.active_element == token_input,
                     "the token form, focused")
                assert not driver.find_element(By.ID, "token-error").is_displayed()
                assert text_of(driver, "#status-line") == "Waiting for the API token."

                token_input.send_keys("not-the-token", Keys.ENTER)
                error = driver.find_element(By.ID, "token-error")
                wait(driver, lambda d: error.is_displayed() and "not the one" in error.text, "the 401 detail")
                assert token_input.get_attribute("aria-invalid") == "true"
                screenshot(driver, "web-fleet-token-phone", PHONE)

                token_input.send_keys(Keys.CONTROL, "a")
                token_input.send_keys(token, Keys.ENTER)
                wait_identities(driver, fleet.identities, "the three stations")
                assert not driver.find_element(By.ID, "token-form").is_displayed()
                assert driver.switch_to.active_element == driver.find_element(By.ID, "stations-heading")
                wait_text(driver, "#total-accepted", "3")
                # Without vehicles there is no traffic to count or switch.
                assert text_of(driver, "#total-sessions") == "—"
                assert text_of(driver, "#traffic-badge") == "no vehicles"
                assert not driver.find_element(By.ID, "traffic-toggle").is_displayed()

                driver.find_element(By.LINK_TEXT, fleet.identity(2)).click()
                wait_text(driver, "#identity", fleet.identity(2))
                wait_text(driver, "#link-badge", "connected")
                assert not driver.find_element(By.ID, "token-form").is_displayed(), "the station's page asked again"
            finally:
                driver.execute_script("sessionStorage.clear()")
    finally:
        fleet.terminate()
