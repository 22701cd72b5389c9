// chargepoint fleet page: the stations of `chargepoint fleet` and its totals, polled from the fleet's REST API
// every 2 s (a fleet has no event stream of its own). Rules kept as in app.js: every text from the service
// goes into the DOM with textContent; every URL is relative (the page may sit behind a prefix).
import { askForToken, setUpTokenForm, tokenAccepted, waitingForToken, withToken } from "./token.js";
import { clockTime, el, setBadge } from "./dom.js";

const API = "api/v1/";
const POLL_MS = 2000;
const PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;           // the largest `limit` the API takes
const MAX_OFFSET = 2147483647;        // the largest `offset` the API takes
const LINK_TONE = { connected: "ok", connecting: "warn", disconnected: "danger" };
const REGISTRATION_TONE = { Accepted: "ok", Pending: "warn", Rejected: "danger", Unknown: "neutral" };

const $ = (selector, root = document) => root.querySelector(selector);
const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

// What the table shows, kept in the page's URL so that Back from a station's page returns to it.
const view = readView();
let rows = new Map();                 // identity -> {root, cells} of a shown row
let traffic = null;                   // the last GET api/v1/traffic; null when the fleet has no vehicles
let pollTimer = null;
let pollSequence = 0;                 // the newest refresh; answers to older ones are dropped
let reachable = null;                 // null until the first answer, then whether the last poll got one
let announceRange = true;             // say the range in the status line when the next answer arrives

// ------------------------------------------------------------------ small helpers

function formatUptime(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function announce(text) {
  $("#status-line").textContent = `${clockTime(new Date())} · ${text}`;
}

// ------------------------------------------------------------------ the view in the URL

function optionValues(select) {
  return [...$(select).options].map((option) => option.value);
}

function oneOf(value, allowed) {
  return value !== null && allowed.includes(value) ? value : "";
}

function wholeNumber(text, min, max, fallback) {
  const value = Number(text);
  return text !== null && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

function readView() {
  const query = new URLSearchParams(location.search);
  return {
    link: oneOf(query.get("link"), optionValues("#link-filter")),
    registration: oneOf(query.get("registration"), optionValues("#registration-filter")),
    status: oneOf(query.get("status"), optionValues("#status-filter")),
    offset: wholeNumber(query.get("offset"), 0, MAX_OFFSET, 0),
    limit: wholeNumber(query.get("limit"), 1, MAX_PAGE_SIZE, PAGE_SIZE),
  };
}

function filters() {
  const chosen = {};
  if (view.link) chosen.link = view.link;
  if (view.registration) chosen.registration = view.registration;
  if (view.status) chosen.status = view.status;
  return chosen;
}

// Only what differs from the defaults, so a plain fleet page keeps a plain address.
function writeView() {
  const query = new URLSearchParams(filters());
  if (view.offset) query.set("offset", String(view.offset));
  if (view.limit !== PAGE_SIZE) query.set("limit", String(view.limit));
  const search = query.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

// ------------------------------------------------------------------ REST

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function api(method, path, body) {
  const init = { method, headers: withToken({ Accept: "application/json, application/problem+json" }), cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  let text;
  try {
    response = await fetch(API + path, init);
    text = await response.text();
  } catch {
    throw new ApiError(0, "The fleet service did not answer; is it running?");
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: the status says enough */ }
  if (!response.ok) {
    const detail = data && typeof data.detail === "string" && data.detail
      ? data.detail
      : `The service answered ${response.status} ${response.statusText}.`;
    throw new ApiError(response.status, detail);
  }
  return { data, text };
}

function loadStations() {
  const query = new URLSearchParams({ ...filters(), offset: String(view.offset), limit: String(view.limit) });
  return api("GET", `stations?${query}`).then(({ data }) => data);
}

// How many stations match: the list's total, asked for with the smallest page.
function countStations(match) {
  const query = new URLSearchParams({ ...match, limit: "1" });
  return api("GET", `stations?${query}`).then(({ data }) => data.total);
}

async function loadTotals() {
  const [stations, connected, accepted] = await Promise.all([
    countStations({}), countStations({ link: "connected" }), countStations({ registration: "Accepted" }),
  ]);
  return { stations, connected, accepted };
}

// A seed is any 64-bit number and JSON.parse rounds those above 2^53, so it is read from the text.
function exactSeed(text, parsed) {
  const match = /"seed"\s*:\s*(\d+)/.exec(text);
  return match ? match[1] : String(parsed);
}

async function loadTraffic() {
  try {
    const { data, text } = await api("GET", "traffic");
    return { ...data, seed: exactSeed(text, data.seed) };
  } catch (error) {
    if (error.status === 409) return null;   // --vehicles off: no traffic to show or switch
    throw error;
  }
}

// ------------------------------------------------------------------ polling

async function refresh() {
  stopPolling();
  const sequence = ++pollSequence;
  let answers;
  try {
    answers = await Promise.all([loadStations(), loadTotals(), loadTraffic()]);
  } catch (error) {
    answers = error;
  }
  if (sequence !== pollSequence) return;   // a filter, a page or a token asked again meanwhile
  if (answers instanceof Error) showFailure(answers);
  else showFleet(...answers);
  if (sequence === pollSequence) schedulePoll();
}

// No polling while the tab is hidden (it polls at once when shown) or while the page waits for a token.
function schedulePoll() {
  stopPolling();
  if (document.hidden || waitingForToken()) return;
  pollTimer = setTimeout(refresh, POLL_MS);
}

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
}

function showFailure(error) {
  if (error.status === 401) {
    askForToken(error.message);
    return;
  }
  $("#main").classList.add("stale");
  if (reachable !== false) announce(`${error.message} Trying again every ${POLL_MS / 1000} s.`);
  reachable = false;
}

function showFleet(page, totals, trafficState) {
  if (page.stations.length === 0 && view.offset > 0 && page.total > 0) {
    showLastPage(page.total);
    return;
  }
  tokenAccepted();
  $("#main").classList.remove("stale");
  if (reachable === false) announce("The fleet service answers again.");
  reachable = true;
  traffic = trafficState;
  showTotals(totals);
  showTraffic();
  showStations(page);
  showPager(page);
  $("#last-update").textContent = `Updated ${clockTime(new Date())}`;
  if (announceRange) announce(`Stations ${rangeText(page)}.`);
  announceRange = false;
}

// The page asked for lies past the end (fewer stations match the filters now, or an old address).
function showLastPage(total) {
  view.offset = Math.floor((total - 1) / view.limit) * view.limit;
  writeView();
  refresh();
}

// ------------------------------------------------------------------ header

function showTotals(totals) {
  $("#total-stations").textContent = count.format(totals.stations);
  for (const [id, value] of [["#total-connected", totals.connected], ["#total-accepted", totals.accepted]]) {
    const node = $(id);
    node.textContent = count.format(value);
    node.classList.toggle("pending", value < totals.stations);
  }
}

function showTraffic() {
  const badge = $("#traffic-badge");
  const toggle = $("#traffic-toggle");
  if (!traffic) {
    setBadge(badge, "no vehicles", "neutral");
    badge.title = "The fleet runs with --vehicles off: no vehicles, no generated drivers.";
    toggle.hidden = true;
    $("#total-sessions").textContent = "—";
    $("#traffic-seed").textContent = "—";
    return;
  }
  setBadge(badge, traffic.running ? "running" : "stopped", traffic.running ? "active" : "neutral");
  badge.title = traffic.running ? "Generated drivers arrive." : "No generated drivers arrive.";
  $("#total-sessions").textContent = count.format(traffic.sessions);
  $("#traffic-seed").textContent = traffic.seed;
  toggle.hidden = false;
  if (toggle.getAttribute("aria-busy") !== "true") toggle.textContent = traffic.running ? "Stop traffic" : "Start traffic";
}

async function switchTraffic() {
  const toggle = $("#traffic-toggle");
  if (!traffic || toggle.getAttribute("aria-busy") === "true") return;
  const running = !traffic.running;
  toggle.setAttribute("aria-busy", "true");
  try {
    const { data, text } = await api("PUT", "traffic", { running });
    traffic = { ...data, seed: exactSeed(text, data.seed) };
    announce(running
      ? "Traffic started: generated drivers arrive."
      : "Traffic stopped: no new drivers arrive; sessions under way go on.");
  } catch (error) {
    if (error.status === 401) askForToken(error.message);
    else announce(`The traffic did not switch: ${error.message}`);
  } finally {
    toggle.removeAttribute("aria-busy");
    showTraffic();
  }
}

// ------------------------------------------------------------------ the stations table

// Relative, and with the trailing slash: that page asks for `api/v1/...` relative to its own folder,
// which the fleet answers as this station's own API.
function stationPageUrl(identity) {
  return `stations/${encodeURIComponent(identity)}/`;
}

function showStations(page) {
  const empty = $("#stations-empty");
  const none = page.stations.length === 0;
  empty.hidden = !none;
  $("#stations-wrap").hidden = none;
  if (none) {
    empty.textContent = Object.keys(filters()).length
      ? "No station matches these filters."
      : "This fleet has no stations.";
  }
  $("#stations-caption").textContent = `Stations ${rangeText(page)}`;
  placeRows(page.stations.map((station) => station.identity));
  for (const station of page.stations) updateRow(rows.get(station.identity), station);
}

// Rows are kept by identity and only put in place again when the list changed, so that a poll does not
// take the focus away from a link in the table.
function placeRows(identities) {
  const body = $("#stations-body");
  const shown = [...body.rows].map((row) => row.dataset.identity);
  if (shown.length === identities.length && shown.every((identity, index) => identity === identities[index])) return;
  const focused = body.contains(document.activeElement) ? document.activeElement : null;
  rows = new Map(identities.map((identity) => [identity, rows.get(identity) || createRow(identity)]));
  body.replaceChildren(...[...rows.values()].map((row) => row.root));
  if (focused && focused.isConnected) focused.focus();
}

function createRow(identity) {
  const cells = {
    ocpp: el("td", { className: "num" }),
    link: el("span", { className: "badge" }),
    registration: el("span", { className: "badge" }),
    queued: el("td", { className: "n num" }),
    uptime: el("td", { className: "n num" }),
  };
  const name = el("th", { attrs: { scope: "row" } }, [el("a", { text: identity, attrs: { href: stationPageUrl(identity) } })]);
  const root = el("tr", {}, [
    name, cells.ocpp, el("td", {}, [cells.link]), el("td", {}, [cells.registration]), cells.queued, cells.uptime,
  ]);
  root.dataset.identity = identity;
  return { root, cells };
}

function updateRow(row, station) {
  const { cells } = row;
  cells.ocpp.textContent = station.ocppVersion ?? "—";
  const link = station.link ?? "unknown";
  setBadge(cells.link, link, LINK_TONE[link] || "neutral");
  cells.link.classList.toggle("pulsing", link === "connecting");
  const registration = station.registration ?? "Unknown";
  setBadge(cells.registration, registration, REGISTRATION_TONE[registration] || "neutral");
  const queued = station.queuedMessages;
  cells.queued.textContent = queued == null ? "—" : count.format(queued);
  cells.queued.classList.toggle("pending", queued > 0);
  cells.uptime.textContent = formatUptime(station.uptimeSeconds);
}

// ------------------------------------------------------------------ paging and filters

function rangeText(page) {
  const total = count.format(page.total);
  if (page.stations.length === 0) return `0 of ${total}`;
  return `${count.format(page.offset + 1)}–${count.format(page.offset + page.stations.length)} of ${total}`;
}

// aria-disabled rather than disabled: a button that turns off under the keyboard keeps the focus.
function setEnabled(button, enabled) {
  button.setAttribute("aria-disabled", String(!enabled));
}

function showPager(page) {
  $("#page-range").textContent = rangeText(page);
  setEnabled($("#previous-page"), page.offset > 0);
  setEnabled($("#next-page"), page.offset + page.stations.length < page.total);
}

function turnPage(button, pages) {
  if (button.getAttribute("aria-disabled") === "true") return;
  view.offset = Math.max(0, view.offset + pages * view.limit);
  showNewView();
}

function applyFilters() {
  view.link = $("#link-filter").value;
  view.registration = $("#registration-filter").value;
  view.status = $("#status-filter").value;
  view.offset = 0;
  showNewView();
}

function showNewView() {
  writeView();
  announceRange = true;
  refresh();
}

function start() {
  $("#link-filter").value = view.link;
  $("#registration-filter").value = view.registration;
  $("#status-filter").value = view.status;
  $("#link-filter").addEventListener("change", applyFilters);
  $("#registration-filter").addEventListener("change", applyFilters);
  $("#status-filter").addEventListener("change", applyFilters);
  $("#previous-page").addEventListener("click", (event) => turnPage(event.currentTarget, -1));
  $("#next-page").addEventListener("click", (event) => turnPage(event.currentTarget, 1));
  $("#traffic-toggle").addEventListener("click", switchTraffic);
  setUpTokenForm({
    message: { at: "#stations-empty", text: "The fleet’s API needs its token." },
    waiting: () => reachable === null,
    submitted: refresh,
    focusAfter: "#stations-heading",
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) stopPolling();
    else if (!waitingForToken()) refresh();
  });
  refresh();
}

start();
