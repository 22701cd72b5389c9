"""The live web page (Web/) in headless Chromium against the real charge point and the test CSMS:
drive a transaction from the page, filter the frame log, edit a configuration key, follow the
security profile and log, and survive a service restart without a reload. Screenshots at desktop
and phone width go to artifacts/.

Needs Debian's `chromium` and `chromium-driver` (CHROMIUM_BIN / CHROMEDRIVER override the paths)
and PyPI `selenium`. Nothing is downloaded: the driver is given explicitly so Selenium Manager
never runs."""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from ocpp.v201 import call as call201
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from harness import REPO_ROOT, ChargePointProcess, RestClient

WEB_ROOT = REPO_ROOT / "Web"
ARTIFACTS = REPO_ROOT / "artifacts"
DESKTOP = (1280, 900)
PHONE = (390, 844)
WAIT_S = 15
QUIET_BEFORE_KILL_S = 0.3


class WebChargePoint(ChargePointProcess):
    """The harness's charge point, serving the page from this checkout's Web/ folder whatever the
    working directory (the harness drops CP_* variables, so the flag it is)."""

    def command(self) -> list[str]:
        return super().command() + ["--web-root", str(WEB_ROOT)]


class TokenWebChargePoint(WebChargePoint):
    """The page's charge point started with an API token (from a file), and a REST client that sends it."""

    def __init__(self, csms, directory: Path, token: str):
        super().__init__(csms, directory, connectors=2)
        self.token_path = directory / f"{self.identity}.token"
        self.token_path.write_text(token + "\n")
        self.api = RestClient(self.api.base_url, token=token)

    def command(self) -> list[str]:
        return super().command() + ["--api-token-file", str(self.token_path)]


@pytest.fixture
def station(csms, chargepoint) -> WebChargePoint:
    """A registered charge point with the page; the `chargepoint` factory cleans it up."""
    process = WebChargePoint(csms, chargepoint.directory, connectors=2)
    chargepoint.started.append(process)
    process.start()
    process.wait_registered()
    return process


def _executable(variable: str, *candidates: str) -> str:
    for candidate in (os.environ.get(variable), *candidates):
        if candidate and (shutil.which(candidate) or Path(candidate).is_file()):
            return shutil.which(candidate) or candidate
    pytest.fail(f"{candidates[0]} not found: install Debian's chromium and chromium-driver "
                f"(make test does) or set {variable}", pytrace=False)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = _executable("CHROMIUM_BIN", "/usr/bin/chromium", "chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--hide-scrollbars", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=_executable("CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


@contextmanager
def watched(driver: WebDriver, request):
    """The browser at desktop size with the log of earlier tests dropped; a failed test's report gets the
    page's state and console, and artifacts/ a screenshot of it. Leaving fails the test on any
    JavaScript or CSP error (network errors are expected: a refused start, a restart)."""
    driver.set_window_size(*DESKTOP)
    driver.get_log("browser")
    driver.diagnostics = lambda: page_diagnostics(driver, request.node.name)
    try:
        yield driver
        errors = [entry for entry in driver.get_log("browser") if entry.get("source") in ("javascript", "security")]
        assert not errors, f"errors on the page: {errors}"
    finally:
        del driver.diagnostics


@pytest.fixture
def page(browser, station, request):
    """The page of `station`, loaded and live, watched for script errors."""
    with watched(browser, request):
        browser.get(station.api.base_url + "/")
        wait_text(browser, "#link-badge", "connected")
        yield browser


# ----- helpers ---------------------------------------------------------------------------

def wait(driver: WebDriver, condition, what: str, timeout: float = WAIT_S):
    def attempt(d):
        try:
            return condition(d)
        except (StaleElementReferenceException, WebDriverException):
            return False
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(attempt, f"waiting for {what}")


def text_of(driver: WebDriver, selector: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, selector).text.strip()


def wait_text(driver: WebDriver, selector: str, expected: str, timeout: float = WAIT_S) -> None:
    wait(driver, lambda d: text_of(d, selector) == expected, f"{selector} to read {expected!r}", timeout)


def card(connector_id: int) -> str:
    return f'[data-connector="{connector_id}"]'


def button(driver: WebDriver, connector_id: int, action: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'{card(connector_id)} .actions [data-action="{action}"]')


def visible_frame_rows(driver: WebDriver, action: str | None = None) -> list[WebElement]:
    selector = "#frames > li" + (f'[data-action="{action}"]' if action else "")
    return [row for row in driver.find_elements(By.CSS_SELECTOR, selector) if row.is_displayed()]


def no_horizontal_overflow(driver: WebDriver) -> bool:
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def screenshot(driver: WebDriver, name: str, size: tuple[int, int], part: str | None = None) -> Path:
    """A screenshot of an exactly `size` viewport (a phone size is emulated as a mobile device),
    plus a full-page one beside it for reviewing the whole layout, and one of the element `part`
    (a CSS selector) if given."""
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})
    try:
        wait(driver, lambda d: d.execute_script("return window.innerWidth") == width, f"a {width} px viewport")
        assert no_horizontal_overflow(driver), f"the page scrolls sideways at {width} px"
        driver.execute_script("document.activeElement?.blur(); window.scrollTo(0, 0)")
        path = ARTIFACTS / f"{name}.png"
        driver.save_screenshot(str(path))
        full = driver.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png"})
        (ARTIFACTS / f"{name}-full.png").write_bytes(base64.b64decode(full["data"]))
        if part:
            element = driver.find_element(By.CSS_SELECTOR, part)
            driver.execute_script("arguments[0].scrollIntoView()", element)
            element.screenshot(str(ARTIFACTS / f"{name}-part.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


def page_diagnostics(driver: WebDriver, name: str) -> str:
    """What the page showed when a test failed (conftest attaches it to the report)."""
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / f"web-failure-{name}.png"))
        state = driver.execute_script("""
            const text = (s) => [...document.querySelectorAll(s)].map((e) => e.innerText.trim());
            return {banner: text('#stream-banner:not([hidden])'), status: text('#status-line'),
                    header: text('.topbar'), cards: text('.connector'),
                    frames: text('#frames > li').slice(0, 15), security: text('.security-panel')};""")
        console = "\n".join(str(entry) for entry in driver.get_log("browser")) or "(empty)"
        parts = [f"{key}:\n{value if isinstance(value, str) else chr(10).join(value)}" for key, value in state.items()]
        return "\n\n".join(parts + [f"console:\n{console}", f"screenshot: artifacts/web-failure-{name}.png"])
    except WebDriverException as error:
        return f"(the browser could not be inspected: {error})"


def security_rows(driver: WebDriver) -> list[dict]:
    """The Security panel's event list as shown, top first."""
    return driver.execute_script("""
        return [...document.querySelectorAll('#security-events > li')].map((li) => {
            const info = li.querySelector('.sec-info');
            return {type: li.querySelector('.sec-type').textContent,
                    time: li.querySelector('time').textContent,
                    datetime: li.querySelector('time').getAttribute('datetime'),
                    badges: [...li.querySelectorAll('.badge')].map((b) => b.textContent),
                    techInfo: info ? info.textContent : null, title: info ? info.title : null,
                    cut: info ? info.scrollWidth > info.clientWidth : null};
        });""")


def expected_security_rows(station) -> list[dict]:
    """What the panel should list for the service's security log: newest first, at most 8."""
    events = station.api.ok_json("GET", "/api/v1/security-events")["events"]
    return [{"type": event["type"], "datetime": event["timestamp"],
             "badges": ["critical"] if event["critical"] else [],
             "techInfo": event["techInfo"], "title": event["techInfo"]} for event in reversed(events[-8:])]


def shown_as(rows: list[dict]) -> list[dict]:
    return [{key: row[key] for key in ("type", "datetime", "badges", "techInfo", "title")} for row in rows]


def local_clock(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%H:%M:%S")


def wait_quiet_link(csms, identity: str) -> None:
    """Wait until no frame crossed for a moment, so a SIGKILL lands between two exchanges."""
    csms.wait_for(lambda: time.time() - csms.frames(identity=identity)[-1].time >= QUIET_BEFORE_KILL_S,
                  10, "a quiet moment on the link")


# ----- tests ---------------------------------------------------------------------------

def test_transaction_from_the_page(page, station, csms):
    driver = page
    assert text_of(driver, "#registration-badge") == "Accepted"
    assert text_of(driver, "#identity") == station.identity
    assert not driver.find_element(By.ID, "fleet-link").is_displayed(), "a station alone has no fleet to go back to"
    assert station.identity in text_of(driver, "#csms-url")
    wait_text(driver, f"{card(1)} [data-field=status]", "Available")
    assert not button(driver, 1, "start").get_attribute("disabled")
    assert button(driver, 1, "stop").get_attribute("disabled"), "Stop is enabled with nothing running"
    assert button(driver, 1, "unplug").get_attribute("disabled"), "Unplug is enabled while unplugged"

    # Start asks for the idTag in an inline form (no window.prompt), by keyboard too: Enter opens
    # it with the focus in the field, Escape closes it and gives the focus back.
    start = button(driver, 1, "start")
    start.send_keys(Keys.ENTER)
    tag_input = driver.find_element(By.CSS_SELECTOR, f"{card(1)} input[name=idTag]")
    assert tag_input.is_displayed() and driver.switch_to.active_element == tag_input
    assert start.get_attribute("aria-expanded") == "true"
    tag_input.send_keys(Keys.ESCAPE)
    wait(driver, lambda d: not tag_input.is_displayed(), "Escape to close the form")
    assert driver.switch_to.active_element == start
    start.send_keys(Keys.ENTER)
    wait(driver, lambda d: d.switch_to.active_element == tag_input, "the idTag field focused")
    tag_input.clear()
    tag_input.send_keys("TAG1", Keys.ENTER)

    wait_text(driver, f"{card(1)} [data-field=status]", "Charging")
    connector = station.api.connector(1)
    transaction_id = connector["transaction"]["transactionId"]
    assert isinstance(transaction_id, int) and transaction_id > 0, connector
    wait_text(driver, f"{card(1)} [data-field=transaction]", str(transaction_id))
    assert text_of(driver, f"{card(1)} [data-field=idTag]") == "TAG1"
    assert text_of(driver, f"{card(1)} [data-field=plugged]") == "Plugged in"
    assert not driver.find_element(By.CSS_SELECTOR, f"{card(1)} [data-field=chargingState]").is_displayed(), \
        "a 2.0.1 fact under 1.6"
    assert driver.execute_script("return localStorage.getItem('chargepoint.lastIdTag')") == "TAG1"
    assert button(driver, 1, "start").get_attribute("disabled"), "Start is enabled while charging"
    assert csms.calls("StartTransaction", station.identity)[-1]["idTag"] == "TAG1"

    # The frame log shows the StartTransaction exchange; Enter on a row expands its payload.
    call_row = '#frames > li[data-action="StartTransaction"][data-type="CALL"][data-direction="out"]'
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, call_row).is_displayed(), "a StartTransaction row")
    assert visible_frame_rows(driver, "StartTransaction")[0].get_attribute("data-type") == "CALLRESULT", \
        "the newest row (the answer) is not on top"
    toggle = driver.find_element(By.CSS_SELECTOR, f"{call_row} .frame-row")
    assert "CALL" in toggle.text and "CSMS" in toggle.text, toggle.text
    toggle.send_keys(Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"{call_row} .frame-payload").is_displayed(),
         "the StartTransaction payload")
    assert '"idTag": "TAG1"' in text_of(driver, f"{call_row} .frame-payload")
    assert driver.find_element(By.CSS_SELECTOR, f"{call_row} .frame-row").get_attribute("aria-expanded") == "true"

    # Live power from the meter events, a ticking duration and a sparkline.
    power = f"{card(1)} [data-field=power]"
    wait(driver, lambda d: float(text_of(d, power).replace(",", ".")) > 0, "power above 0 kW")
    first = text_of(driver, f"{card(1)} [data-field=duration]")
    wait(driver, lambda d: text_of(d, f"{card(1)} [data-field=duration]") != first, "the duration to tick")
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"{card(1)} .spark-line").get_attribute("points"),
         "a sparkline")
    station.api.set_meter(1, powerW=7400)  # a change made elsewhere shows up live
    wait(driver, lambda d: float(text_of(d, power).replace(",", ".")) == 7.4, "power 7.4 kW")

    screenshot(driver, "web-desktop", DESKTOP)
    screenshot(driver, "web-phone", PHONE)

    button(driver, 1, "stop").click()
    wait_text(driver, f"{card(1)} [data-field=status]", "Finishing")
    wait_text(driver, f"{card(1)} [data-field=transaction]", "—")
    wait(driver, lambda d: float(text_of(d, power).replace(",", ".")) == 0, "power back to 0 kW")
    assert f"#{transaction_id}" in text_of(driver, f"{card(1)} [data-field=lastSession]")
    assert csms.calls("StopTransaction", station.identity)[-1]["transactionId"] == transaction_id
    wait(driver, lambda d: not button(d, 1, "start").get_attribute("disabled"), "Start enabled again")
    assert button(driver, 1, "stop").get_attribute("disabled")


def test_frame_filter_markup_and_configuration(page, station, csms):
    driver = page
    link = driver.find_element(By.ID, "contract-link").get_attribute("href")
    assert link == station.api.base_url + "/openapi.yaml", link
    assert station.api.get(link.removeprefix(station.api.base_url)).text.startswith("openapi: ")
    wait(driver, lambda d: len(visible_frame_rows(d)) >= 4, "the boot frames in the log")

    # A CSMS can put anything in a frame: it must show as text, never as markup.
    csms.call_raw(station.identity, '[2,"web-1","<img src=x onerror=window.__injected=1>",{}]')
    wait(driver, lambda d: visible_frame_rows(d, "<img src=x onerror=window.__injected=1>"),
         "the frame with markup in its action")
    assert driver.find_elements(By.CSS_SELECTOR, "#frames img") == []
    assert driver.execute_script("return window.__injected === undefined")

    frame_filter = driver.find_element(By.ID, "frame-filter")
    frame_filter.send_keys("NoSuchAction")
    wait(driver, lambda d: not visible_frame_rows(d), "the filter to hide every row")
    assert "NoSuchAction" in text_of(driver, "#frames-empty")
    frame_filter.clear()
    frame_filter.send_keys("statusnotif")
    wait(driver, lambda d: visible_frame_rows(d), "StatusNotification rows")
    assert {row.get_attribute("data-action") for row in visible_frame_rows(driver)} == {"StatusNotification"}
    frame_filter.clear()
    frame_filter.send_keys(" ", Keys.BACKSPACE)  # clear() fires no input event
    wait(driver, lambda d: len(visible_frame_rows(d)) >= 4, "every row back")

    key = "MeterValueSampleInterval"
    row = f'#config-body tr[data-key="{key}"]'
    wait_text(driver, f"{row} .value-text", "1")
    assert driver.find_elements(By.CSS_SELECTOR, '#config-body tr[data-key="NumberOfConnectors"] .readonly-tag')
    driver.find_element(By.CSS_SELECTOR, f"{row} button").click()
    value_input = driver.find_element(By.CSS_SELECTOR, f"{row} input")
    assert driver.switch_to.active_element == value_input
    value_input.send_keys(Keys.CONTROL, "a")
    value_input.send_keys("soon", Keys.ENTER)  # a bad value: the problem's detail shows inline
    wait(driver, lambda d: "result error" in d.find_element(By.CSS_SELECTOR, f"{row} .result").get_attribute("class")
         and text_of(d, f"{row} .result"), "the 422 detail")
    assert station.api.ok_json("GET", f"/api/v1/configuration/{key}")["value"] == "1"
    value_input.send_keys(Keys.CONTROL, "a")
    value_input.send_keys("3", Keys.ENTER)
    wait_text(driver, f"{row} .result", "Accepted")
    wait_text(driver, f"{row} .value-text", "3")
    assert station.api.ok_json("GET", f"/api/v1/configuration/{key}")["value"] == "3"


def test_security_panel(page, station):
    """The Security panel shows the profile with its meaning and the newest security events; a
    reported tamper event shows on top, marked critical, after Refresh."""
    driver = page
    wait_text(driver, "#security-profile", "0")
    assert text_of(driver, "#security-profile-meaning") == "no authentication"
    assert "tone-warn" in driver.find_element(By.ID, "security-profile").get_attribute("class")
    wait(driver, lambda d: security_rows(d), "the security events")
    rows = security_rows(driver)
    assert shown_as(rows) == expected_security_rows(station)
    startup = [row for row in rows if row["type"] == "StartupOfTheDevice"]
    assert len(startup) == 1, rows
    assert startup[0]["badges"] == ["critical"] and startup[0]["time"] == local_clock(startup[0]["datetime"])
    assert not driver.find_element(By.ID, "security-empty").is_displayed()
    assert text_of(driver, "#security-count") == f"{len(rows)} {'event' if len(rows) == 1 else 'events'}"

    # The hardware reports events through the API; no stream event tells the page, Refresh does.
    long_info = "clock set from GNSS after a drift of " + "1234567890" * 12 + " ms"
    station.api.ok_json("POST", "/api/v1/security-events", expected=201,
                        json={"type": "SettingSystemTime", "techInfo": long_info})
    created = station.api.ok_json("POST", "/api/v1/security-events", expected=201,
                                  json={"type": "TamperDetectionActivated", "techInfo": "door opened"})
    assert security_rows(driver) == rows, "the list changed without a refresh"
    refresh = driver.find_element(By.ID, "security-refresh")
    refresh.click()
    wait(driver, lambda d: security_rows(d)[0]["type"] == "TamperDetectionActivated", "the tamper event on top")
    rows = security_rows(driver)
    assert rows[0] == {"type": "TamperDetectionActivated", "time": local_clock(created["timestamp"]),
                       "datetime": created["timestamp"], "badges": ["critical"],
                       "techInfo": "door opened", "title": "door opened", "cut": False}
    assert (rows[1]["type"], rows[1]["techInfo"], rows[1]["title"], rows[1]["cut"]) == \
        ("SettingSystemTime", long_info, long_info, True), "a long techInfo is not cut to one line"
    assert shown_as(rows) == expected_security_rows(station)
    wait(driver, lambda d: text_of(d, "#security-result").startswith("Updated "), "the refresh confirmed")
    assert driver.switch_to.active_element == refresh
    assert "AuthorizationKey" not in text_of(driver, ".security-panel")

    screenshot(driver, "web-security-desktop", DESKTOP, part=".security-panel")
    screenshot(driver, "web-security-phone", PHONE, part=".security-panel")


def test_page_survives_a_service_restart(page, station, csms):
    driver = page
    driver.execute_script("window.__sameDocument = true")
    boots = len(visible_frame_rows(driver, "BootNotification"))
    assert boots >= 1

    wait_quiet_link(csms, station.identity)
    station.kill()
    wait(driver, lambda d: d.find_element(By.ID, "stream-banner").is_displayed(), "the reconnecting banner")
    assert "reconnecting" in text_of(driver, "#stream-banner")
    assert text_of(driver, "#link-badge") != "connected"
    assert button(driver, 1, "start").get_attribute("disabled"), "actions stay enabled while the state is unknown"

    station.start()  # same identity, HTTP port and data directory
    station.api.wait_status(15, link="connected", registration="Accepted")
    wait(driver, lambda d: not d.find_element(By.ID, "stream-banner").is_displayed(), "the banner to go")
    wait_text(driver, "#link-badge", "connected")
    wait_text(driver, "#registration-badge", "Accepted")
    assert driver.execute_script("return window.__sameDocument === true"), "the page was reloaded"
    # The new run's frames join the log (its BootNotification), the old ones stay.
    wait(driver, lambda d: len(visible_frame_rows(d, "BootNotification")) > boots, "the new BootNotification")
    # The security log is read again after the restart: the new run's StartupOfTheDevice joins the old one.
    wait(driver, lambda d: [row["type"] for row in security_rows(d)].count("StartupOfTheDevice") == 2,
         "the new StartupOfTheDevice in the Security panel")
    wait(driver, lambda d: shown_as(security_rows(d)) == expected_security_rows(station), "the whole security log")
    wait(driver, lambda d: not button(d, 1, "start").get_attribute("disabled"), "actions enabled again")


def test_page_asks_for_the_api_token_once(browser, csms, chargepoint, request):
    """With --api-token the page asks for the token in an inline form, says why a wrong one is refused,
    and with the right one works as usual; it keeps the token for the tab, so a reload does not ask."""
    token = secrets.token_hex(24)
    station = TokenWebChargePoint(csms, chargepoint.directory, token)
    chargepoint.started.append(station)
    station.start()
    station.wait_registered()
    with watched(browser, request) as driver:
        try:
            driver.get(station.api.base_url + "/")
            token_input = driver.find_element(By.ID, "token-input")
            wait(driver, lambda d: token_input.is_displayed() and d.switch_to.active_element == token_input,
                 "the token form, focused")
            assert not driver.find_element(By.ID, "token-error").is_displayed(), "an error before any token was sent"
            assert "token" in text_of(driver, "#stream-banner").lower()
            screenshot(driver, "web-token-phone", PHONE)

            token_input.send_keys("not-the-token", Keys.ENTER)
            error = driver.find_element(By.ID, "token-error")
            wait(driver, lambda d: error.is_displayed() and "not the one" in error.text, "the 401 detail")
            assert token_input.get_attribute("aria-invalid") == "true"
            assert driver.switch_to.active_element == token_input

            token_input.send_keys(Keys.CONTROL, "a")
            token_input.send_keys(token, Keys.ENTER)
            wait_text(driver, "#link-badge", "connected")
            wait(driver, lambda d: not d.find_element(By.ID, "token-form").is_displayed(), "the form to go")
            assert driver.execute_script("return sessionStorage.getItem('chargepoint.apiToken')") == token
            assert token_input.get_attribute("value") == "", "the token stays in the field"
            wait_text(driver, "#registration-badge", "Accepted")
            wait(driver, lambda d: len(visible_frame_rows(d, "BootNotification")) >= 1, "the frame history (fetched)")

            button(driver, 1, "plug").click()  # a POST with the token
            wait_text(driver, f"{card(1)} [data-field=status]", "Preparing")
            assert station.api.connector(1)["plugged"] is True

            driver.refresh()
            wait_text(driver, "#link-badge", "connected")
            assert not driver.find_element(By.ID, "token-form").is_displayed(), "asked again after a reload"
        finally:
            driver.execute_script("sessionStorage.clear()")


def test_the_page_under_ocpp_2_0_1(browser, csms_factory, chargepoint, request):
    """Under --ocpp 2.0.1 the page says so, follows the station live (its connectors' 2.0.1 status, a
    variable changed by the CSMS), shows the device model as the configuration, runs a transaction
    from the card (a string transactionId, live power, the CSMS's running cost, the last session
    after the stop), and shows the 2.0.1 security profile and security log."""
    csms201 = csms_factory(ocpp_version="2.0.1")
    csms201.settings.accept_tags.add("TAG201")
    station = WebChargePoint(csms201, chargepoint.directory, connectors=2)
    chargepoint.started.append(station)
    station.start()
    station.wait_registered()
    with watched(browser, request) as driver:
        driver.get(station.api.base_url + "/")
        wait_text(driver, "#link-badge", "connected")
        wait_text(driver, "#ocpp-version", "2.0.1")
        wait_text(driver, f"{card(2)} [data-field=status]", "Available")
        assert button(driver, 1, "fault").is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, ".security-panel").is_displayed()
        wait_text(driver, "#security-profile", "0")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#security-events li[data-type="StartupOfTheDevice"]'),
             "the boot in the security log")
        assert text_of(driver, f"{card(1)} [data-field=errorCode]") == "NoError"

        button(driver, 1, "start").click()
        tag_input = driver.find_element(By.CSS_SELECTOR, f"{card(1)} input[name=idTag]")
        wait(driver, lambda d: d.switch_to.active_element == tag_input, "the idTag field focused")
        tag_input.clear()
        tag_input.send_keys("TAG201", Keys.ENTER)
        wait_text(driver, f"{card(1)} [data-field=status]", "Occupied")
        connector = station.api.connector(1)
        transaction_id = connector["transaction"]["transactionId"]
        assert isinstance(transaction_id, str) and len(transaction_id) == 36, connector
        wait_text(driver, f"{card(1)} [data-field=transaction]", transaction_id[:8])
        assert text_of(driver, f"{card(1)} [data-field=idTag]") == "TAG201"
        wait_text(driver, f"{card(1)} [data-field=chargingState]", "Charging")
        assert text_of(driver, f"{card(1)} [data-field=plugged]") == "Plugged in"
        power = f"{card(1)} [data-field=power]"
        wait(driver, lambda d: float(text_of(d, power).replace(",", ".")) > 0, "power above 0 kW")
        first = text_of(driver, f"{card(1)} [data-field=energy]")
        wait(driver, lambda d: text_of(d, f"{card(1)} [data-field=energy]") != first, "the register to move live")
        csms201.call(station.identity, call201.CostUpdated(total_cost=1.5, transaction_id=transaction_id))
        wait(driver, lambda d: "1.50" in text_of(d, f"{card(1)} [data-field=cost]"), "the running cost on the card")
        assert text_of(driver, f"{card(1)} [data-field=limit]") == "—"
        station.api.ok_json("PUT", "/api/v1/connectors/1/external-limit", json={"limitW": 7400})
        wait(driver, lambda d: text_of(d, f"{card(1)} [data-field=limit]").replace(",", ".") == "7.4 kW",
             "the external limit on the card")

        csms201.call(station.identity, call201.ChangeAvailability(
            operational_status="Inoperative", evse={"id": 2}))
        wait_text(driver, f"{card(2)} [data-field=status]", "Unavailable")
        assert button(driver, 2, "start").get_attribute("disabled"), "Start is enabled on an Unavailable EVSE"
        csms201.call(station.identity, call201.SetVariables(set_variable_data=[{
            "component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "OfflineThreshold"},
            "attribute_value": "123"}]))
        wait(driver, lambda d: "123" in d.find_element(By.CSS_SELECTOR, ".config-panel").text,
             "the changed variable in the configuration panel")
        screenshot(driver, "web-ocpp201-desktop", DESKTOP)
        screenshot(driver, "web-ocpp201-phone", PHONE)

        button(driver, 1, "stop").click()
        wait_text(driver, f"{card(1)} [data-field=transaction]", "—")
        assert text_of(driver, f"{card(1)} [data-field=chargingState]") == "—"
        wait(driver, lambda d: float(text_of(d, power).replace(",", ".")) == 0, "power back to 0 kW")
        assert f"#{transaction_id[:8]}" in text_of(driver, f"{card(1)} [data-field=lastSession]")
        ended = [event for event in csms201.calls("TransactionEvent", station.identity)
                 if event["eventType"] == "Ended"]
        assert ended and ended[-1]["transactionInfo"]["transactionId"] == transaction_id
        button(driver, 1, "unplug").click()
        wait_text(driver, f"{card(1)} [data-field=status]", "Available")


def test_the_display_panel_under_ocpp_2_0_1(browser, csms_factory, chargepoint, request):
    """The 2.0.1 station's display on the page: blank until the CSMS sets a message, then the message in
    force on the screen with its priority and validity, the InFront ones taking turns as the station
    says, every stored message listed (a waiting one marked so), a CSMS text shown as text, never as
    markup, and a message cleared by the CSMS gone from the page."""
    csms201 = csms_factory(ocpp_version="2.0.1")
    station = WebChargePoint(csms201, chargepoint.directory, connectors=1)
    chargepoint.started.append(station)
    station.start()
    station.wait_registered()

    def set_message(info):
        assert csms201.call(station.identity, call201.SetDisplayMessage(message=info)).status == "Accepted"

    def shown(driver):
        return driver.find_element(By.CSS_SELECTOR, "#display-screen").get_attribute("data-shown")

    with watched(browser, request) as driver:
        driver.get(station.api.base_url + "/")
        wait_text(driver, "#ocpp-version", "2.0.1")
        assert driver.find_element(By.CSS_SELECTOR, ".display-panel").is_displayed()
        wait_text(driver, "#display-state", "Idle")
        wait_text(driver, "#display-screen", "Nothing to show")

        markup = '<img src=x onerror="document.title=1">'
        set_message({"id": 1, "priority": "InFront", "message": {"format": "UTF8", "language": "en", "content": markup}})
        wait_text(driver, "#display-screen", markup)
        assert driver.find_elements(By.CSS_SELECTOR, "#display-screen img") == []
        assert "#1 InFront" in text_of(driver, "#display-shown-facts")

        set_message({"id": 2, "priority": "InFront",
                     "message": {"format": "URI", "content": "https://example.com/tariffs"}})
        later = (datetime.now().astimezone() + timedelta(hours=2)).isoformat()
        set_message({"id": 3, "priority": "NormalCycle", "start_date_time": later,
                     "message": {"format": "ASCII", "content": "Open until 22:00"}})
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#display-messages > li")) == 3, "three messages listed")
        waiting = driver.find_element(By.CSS_SELECTOR, '#display-messages > li[data-id="3"]').text
        assert "waiting" in waiting and "NormalCycle" in waiting and "from" in waiting
        first = shown(driver)
        assert first in ("1", "2")
        wait(driver, lambda d: shown(d) == {"1": "2", "2": "1"}[first], "the other InFront message's turn", timeout=12)
        wait(driver, lambda d: "taking turns" in text_of(d, "#display-shown-facts"), "the turn shown")
        if shown(driver) != "2":
            wait(driver, lambda d: shown(d) == "2", "the link's turn", timeout=12)
        link = driver.find_element(By.CSS_SELECTOR, "#display-screen a")
        assert (link.get_attribute("href"), link.get_attribute("rel")) == ("https://example.com/tariffs", "noopener noreferrer")
        screenshot(driver, "web-display-desktop", DESKTOP, part=".display-panel")
        screenshot(driver, "web-display-phone", PHONE, part=".display-panel")

        assert csms201.call(station.identity, call201.ClearDisplayMessage(id=2)).status == "Accepted"
        wait(driver, lambda d: shown(d) == "1", "the cleared message off the screen")
        assert driver.find_elements(By.CSS_SELECTOR, '#display-messages > li[data-id="2"]') == []
        assert driver.title != "1", "the CSMS text ran as markup"


# ----- the page and the contract built into the binary -------------------------------------

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}


def test_page_and_contract_are_built_in(chargepoint, tmp_path):
    """Started in a folder without Web/ and without --web-root, the binary serves every file of Web/
    and openapi.yaml as they were when it was built, byte for byte; not WebContent.swift, the Swift
    source that makes Web/ a target."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cp = chargepoint(cwd=elsewhere, registered=False)
    files = sorted(path for path in WEB_ROOT.iterdir()
                   if path.is_file() and not path.name.startswith(".") and path.suffix != ".swift")
    assert {path.suffix for path in files} <= set(CONTENT_TYPES), "a file type this test does not know"
    for path in files:
        response = cp.api.get("/" + path.name)
        assert response.status_code == 200, (path.name, response.status_code)
        assert response.content == path.read_bytes(), f"{path.name} differs from the built one: rebuild"
        assert response.headers["Content-Type"] == CONTENT_TYPES[path.suffix]
        assert response.headers["Cache-Control"] == "no-cache"
    assert cp.api.get("/").content == (WEB_ROOT / "index.html").read_bytes()
    assert cp.api.get("/WebContent.swift").status_code == 404

    contract = cp.api.get("/openapi.yaml")
    assert contract.status_code == 200
    assert contract.content == (REPO_ROOT / "openapi.yaml").read_bytes(), "openapi.yaml differs from the built one"
    assert contract.headers["Content-Type"] == "application/yaml"
    assert contract.headers["Cache-Control"] == "no-cache"
    assert cp.api.request("HEAD", "/openapi.yaml").status_code == 200
    assert cp.api.post("/openapi.yaml").status_code == 405


def test_web_root_replaces_the_built_in_page(chargepoint, tmp_path):
    """--web-root serves that folder instead of the built-in page (the files it lacks are gone), while
    /openapi.yaml stays the contract the binary was built with."""
    folder = tmp_path / "page"
    folder.mkdir()
    (folder / "index.html").write_text("<!doctype html><title>work in progress</title>")
    cp = chargepoint(args=["--web-root", str(folder)], registered=False)
    assert cp.api.get("/").text == "<!doctype html><title>work in progress</title>"
    assert cp.api.get("/app.js").status_code == 404
    assert cp.api.get("/openapi.yaml").content == (REPO_ROOT / "openapi.yaml").read_bytes()
