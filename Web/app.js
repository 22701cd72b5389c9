// chargepoint live page: state from GET api/v1/events (Server-Sent Events), actions over the REST API.
// Rules kept throughout: every text from the service goes into the DOM with textContent (frames come
// from a CSMS and must never inject markup); every URL is relative (the page may sit behind a prefix).
import { apiToken, askForToken, setUpTokenForm, tokenAccepted, withToken } from "./token.js";
import { clockTime, el, setBadge } from "./dom.js";
import { renderDisplay } from "./display.js";

const API = "api/v1/";
const MAX_FRAMES = 500;
const FRAMES_ON_LOAD = 500;
const SPARK_WINDOW_MS = 5 * 60 * 1000;
const SPARK_MIN_WINDOW_MS = 60 * 1000;
const SPARK_W = 300;
const SPARK_H = 48;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 4000;
const TAG_STORAGE_KEY = "chargepoint.lastIdTag";
const OK_MESSAGE_MS = 8000;
const SECURITY_EVENTS_SHOWN = 8;

// OCPP 1.6 ChargePointErrorCode, as in openapi.yaml.
const ERROR_CODES = [
  "NoError", "ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature",
  "InternalError", "LocalListConflict", "OtherError", "OverCurrentFailure", "OverVoltage",
  "PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure", "ResetFailure", "UnderVoltage", "WeakSignal",
];
const STATUS_TONE = {
  Available: "ok", Preparing: "info", Charging: "active", SuspendedEVSE: "warn", SuspendedEV: "warn",
  Finishing: "finish", Reserved: "neutral", Unavailable: "neutral", Faulted: "danger",
  Occupied: "info",
};
const LINK_TONE = { connected: "ok", connecting: "warn", disconnected: "danger" };
const REGISTRATION_TONE = { Accepted: "ok", Pending: "warn", Rejected: "danger", Unknown: "neutral" };
// OCPP security whitepaper, security profiles: [meaning, tone]. 0 and 1 send no secret or send
// the AuthorizationKey in clear, hence the warning tone.
const SECURITY_PROFILES = {
  0: ["no authentication", "warn"], 1: ["Basic auth", "warn"],
  2: ["Basic auth over TLS", "ok"], 3: ["TLS client certificate", "ok"],
};
const FRAME_TYPE = {
  CALL: ["CALL", "neutral"], CALLRESULT: ["RESULT", "ok"], CALLERROR: ["ERROR", "danger"],
};

const state = {
  status: null,
  statusReceivedAt: 0,          // Date.now() when status arrived (uptime ticks from there)
  connectors: new Map(),        // id -> Connector
  lastTransaction: new Map(),   // connector id -> most recent stopped Transaction
  power: new Map(),             // connector id -> [{t, w}] (server time, W)
  config: new Map(),            // key -> {key, value, readonly}
  frames: [],                   // oldest first, at most MAX_FRAMES
  frameKeys: new Set(),
  seenActions: new Set(),
  expandedFrames: new Set(),
  streamUp: false,
  hadStream: false,
  clockOffset: 0,               // server time - local time, from live events
  lastEventAt: null,
  securityEvents: null,         // the security log, oldest first (null until loaded)
  securityLoads: 0,             // sequence number of the newest security log request
  displayEvents: 0,             // `display` events received, so that an older GET never overwrites one
};

const $ = (selector, root = document) => root.querySelector(selector);
const cards = new Map();        // connector id -> card record
const configRows = new Map();   // key -> row record
const frameItems = new Map();   // frame key -> its <li>
const numberFormat = (digits) => new Intl.NumberFormat(undefined, {
  minimumFractionDigits: digits, maximumFractionDigits: digits,
});
const kw = numberFormat(1);
const kwh = numberFormat(3);

// ------------------------------------------------------------------ small helpers

// Let long names wrap between their words (StopTxnSampled|Data|MaxLength), not inside one.
function appendCamelCase(node, text) {
  text.split(/(?<=[a-z0-9])(?=[A-Z])/).forEach((word, index) => {
    if (index > 0) node.append(document.createElement("wbr"));
    node.append(word);
  });
}

function serverNow() {
  return Date.now() + state.clockOffset;
}

function noteServerTime(iso) {
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) state.clockOffset = t - Date.now();
}

function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hms = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return days ? `${days} d ${hms}` : hms;
}

function formatUptime(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function formatKwh(wh) {
  return `${kwh.format((Number(wh) || 0) / 1000)} kWh`;
}

function transactionLabel(tx) {
  if (!tx) return "—";
  if (tx.transactionId === null || tx.transactionId === undefined) return "pending";
  if (tx.transactionId === -1) return "not delivered";
  // A 2.0.1 id is a UUID the station made: its first group tells transactions apart on a page.
  return typeof tx.transactionId === "string" ? tx.transactionId.slice(0, 8) : String(tx.transactionId);
}

// A 1.6 transaction is known by its local id from the start; a 2.0.1 one by the id the station made.
function sameTransaction(a, b) {
  return a.localId !== undefined ? a.localId === b.localId : a.transactionId === b.transactionId;
}

function newerOrSame(a, b) {
  return a.localId !== undefined ? a.localId >= b.localId : Date.parse(a.startedAt) >= Date.parse(b.startedAt);
}

function isTransaction(data) {
  return Boolean(data) && "startedAt" in data;
}

function isRunning(connector) {
  return Boolean(connector && connector.transaction && !connector.transaction.stoppedAt);
}

function announce(text) {
  $("#status-line").textContent = `${clockTime(new Date().toISOString())} · ${text}`;
}

// ------------------------------------------------------------------ access token

// The token (token.js) goes out as `Authorization: Bearer` on fetch and as `access_token` on the event
// stream (EventSource sends no headers).
function eventsUrl() {
  const token = apiToken();
  return API + "events" + (token ? `?access_token=${encodeURIComponent(token)}` : "");
}

// After the stream failed: true when the reason is a missing or wrong token (then the form is shown).
async function accessRefused() {
  let response;
  try {
    response = await fetch(API + "status", {
      headers: withToken({ Accept: "application/json, application/problem+json" }), cache: "no-store",
    });
  } catch {
    return false;
  }
  if (response.status !== 401) return false;
  let detail = "";
  try { detail = String((await response.json()).detail || ""); } catch { /* not a problem document */ }
  askForToken(detail);
  return true;
}

// ------------------------------------------------------------------ REST

class ApiError extends Error {
  constructor(status, detail, problem) {
    super(detail);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body) {
  const init = { method, headers: withToken({ Accept: "application/json, application/problem+json" }), cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch (error) {
    throw new ApiError(0, "The charge point service did not answer; is it running?", null);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const detail = data && typeof data.detail === "string" && data.detail
      ? data.detail
      : `The service answered ${response.status} ${response.statusText}.`;
    if (response.status === 401) askForToken(detail);
    throw new ApiError(response.status, detail, data);
  }
  return { status: response.status, data };
}

function problemTitle(error) {
  const problem = error.problem;
  if (error.status === 0) return "No answer";
  const title = problem && typeof problem.title === "string" ? problem.title : "Error";
  return `${error.status} ${title}`;
}

// ------------------------------------------------------------------ header

function setStatus(status) {
  const previous = state.status;
  state.status = status;
  state.statusReceivedAt = Date.now();
  $("#identity").textContent = status.identity ?? "—";
  document.title = `${status.identity ?? "chargepoint"} · chargepoint`;
  const url = $("#csms-url");
  url.textContent = status.csmsUrl ?? "—";
  url.title = status.csmsUrl ?? "";
  renderLink();
  const registration = status.registration ?? "Unknown";
  setBadge($("#registration-badge"), registration, REGISTRATION_TONE[registration] || "neutral");
  const queued = $("#queued");
  queued.textContent = String(status.queuedMessages ?? "—");
  queued.classList.toggle("pending", Number(status.queuedMessages) > 0);
  $("#heartbeat").textContent = status.heartbeatInterval != null ? `${status.heartbeatInterval} s` : "—";
  $("#ocpp-version").textContent = status.ocppVersion ?? "—";
  document.body.dataset.ocpp = status.ocppVersion ?? "";
  const version = status.version ? `v${status.version}` : "—";
  $("#version").textContent = version;
  $("#version").title = status.firmwareVersion ? `firmware ${status.firmwareVersion}` : "";
  tickClocks();
  if (previous && previous.link !== status.link) announce(`Link to the central system: ${status.link}.`);
  if (previous && previous.registration !== status.registration) {
    announce(`Registration with the central system: ${status.registration}.`);
  }
}

function renderLink() {
  const badge = $("#link-badge");
  if (!state.streamUp || !state.status) {
    setBadge(badge, "unknown", "neutral");
    badge.title = "The page has no live connection to the charge point service.";
    return;
  }
  const link = state.status.link ?? "unknown";
  setBadge(badge, link, LINK_TONE[link] || "neutral");
  badge.classList.toggle("pulsing", link === "connecting");
  badge.title = "";
}

// ------------------------------------------------------------------ connector cards

function renderConnectors() {
  const grid = $("#connectors");
  const ids = [...state.connectors.keys()].sort((a, b) => a - b);
  const same = ids.length === cards.size && ids.every((id) => cards.has(id));
  if (!same) {
    grid.replaceChildren();
    cards.clear();
    if (ids.length === 0) grid.append(el("p", { className: "empty", text: "This charge point reports no connectors." }));
    for (const id of ids) {
      const card = createCard(id);
      cards.set(id, card);
      grid.append(card.root);
    }
  }
  for (const id of ids) updateCard(id);
}

function createCard(id) {
  const root = $("#connector-template").content.firstElementChild.cloneNode(true);
  const card = { id, root, busy: false, messageTimer: null, fields: {}, buttons: {} };
  root.dataset.connector = String(id);
  const titleId = `connector-${id}-title`;
  const title = $(".card-title", root);
  title.id = titleId;
  title.textContent = `Connector ${id}`;
  root.setAttribute("aria-labelledby", titleId);
  $(".actions", root).setAttribute("aria-label", `Connector ${id} actions`);
  for (const node of root.querySelectorAll("[data-field]")) card.fields[node.dataset.field] = node;
  for (const node of $(".actions", root).querySelectorAll("[data-action]")) card.buttons[node.dataset.action] = node;
  card.sparkline = $(".sparkline", root);
  card.startForm = $(".start-form", root);
  card.faultForm = $(".fault-form", root);
  card.tagInput = $("input[name=idTag]", card.startForm);
  card.errorSelect = $("select[name=errorCode]", card.faultForm);
  for (const fact of ["lastSession"]) card.fields[fact].parentElement.classList.add("wide");

  // unique ids for label/controls relations
  card.tagInput.id = `connector-${id}-idtag`;
  card.errorSelect.id = `connector-${id}-errorcode`;
  card.startForm.id = `connector-${id}-start-form`;
  card.faultForm.id = `connector-${id}-fault-form`;
  card.buttons.start.setAttribute("aria-controls", card.startForm.id);
  card.buttons.fault.setAttribute("aria-controls", card.faultForm.id);
  card.startForm.setAttribute("aria-label", `Start a transaction on connector ${id}`);
  card.faultForm.setAttribute("aria-label", `Set or clear a fault on connector ${id}`);
  for (const code of ERROR_CODES) {
    card.errorSelect.append(el("option", {
      text: code === "NoError" ? "NoError (clear the fault)" : code, attrs: { value: code },
    }));
  }

  card.buttons.plug.addEventListener("click", () => connectorAction(card, "plug"));
  card.buttons.unplug.addEventListener("click", () => connectorAction(card, "unplug"));
  card.buttons.stop.addEventListener("click", () => stopTransaction(card));
  card.buttons.start.addEventListener("click", () => toggleForm(card, "start"));
  card.buttons.fault.addEventListener("click", () => toggleForm(card, "fault"));
  card.startForm.addEventListener("submit", (event) => { event.preventDefault(); startTransaction(card); });
  card.faultForm.addEventListener("submit", (event) => { event.preventDefault(); setFault(card); });
  for (const [form, name] of [[card.startForm, "start"], [card.faultForm, "fault"]]) {
    $("[data-action=cancel]", form).addEventListener("click", () => closeForm(card, name, true));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); closeForm(card, name, true); }
    });
  }
  card.tagInput.addEventListener("input", () => card.tagInput.removeAttribute("aria-invalid"));
  return card;
}

function updateCard(id) {
  const card = cards.get(id);
  const connector = state.connectors.get(id);
  if (!card || !connector) return;
  const { fields } = card;
  const tone = STATUS_TONE[connector.status] || "neutral";
  card.root.dataset.status = connector.status;
  card.root.dataset.tone = tone;
  setBadge(fields.status, connector.status, tone);

  setFact(fields.plugged, connector.plugged === undefined ? null : connector.plugged ? "Plugged in" : "Unplugged");
  setFact(fields.errorCode, connector.errorCode);
  fields.errorCode.classList.toggle("pending", connector.errorCode !== undefined && connector.errorCode !== "NoError");
  fields.power.textContent = kw.format((Number(connector.powerW) || 0) / 1000);
  fields.power.dataset.watts = String(connector.powerW ?? 0);
  setFact(fields.energy, connector.energyWh === undefined ? null : formatKwh(connector.energyWh));
  // The smart-charging limit in force (profiles, an external limit); none is "—".
  setFact(fields.limit, connector.limitW === null || connector.limitW === undefined
    ? null : `${kw.format(connector.limitW / 1000)} kW`);

  const tx = isRunning(connector) ? connector.transaction : null;
  setFact(fields.transaction, tx ? transactionLabel(tx) : null);
  fields.transaction.classList.toggle("pending", Boolean(tx) && transactionLabel(tx) === "pending");
  const known = tx && (tx.localId !== undefined ? `local id ${tx.localId}` : `transaction ${tx.transactionId}`);
  fields.transaction.title = tx ? `${known}${tx.pendingDelivery ? ", waiting for delivery to the CSMS" : ""}` : "";
  setFact(fields.idTag, tx ? tx.idTag : null);
  // 2.0.1: what the CSMS last heard of the energy flow (Charging, SuspendedEV, EVConnected…).
  setFact(fields.chargingState, tx ? tx.chargingState : null);
  // 2.0.1: the CSMS's tariff and running cost (CostUpdated), and its message for the driver.
  setFact(fields.cost, tx ? formatCost(tx) : null);
  setFact(fields.personalMessage, tx ? tx.personalMessage : null);
  setFact(fields.sessionEnergy, tx ? formatKwh(tx.energyWh) : null);
  updateDuration(card, connector);

  const last = state.lastTransaction.get(id);
  if (last && !tx) {
    const parts = [`#${transactionLabel(last)}`, last.idTag, formatKwh(last.energyWh)];
    if (last.totalCost !== null && last.totalCost !== undefined) parts.push(formatCost(last));
    if (last.stopReason) parts.push(last.stopReason);
    if (last.stoppedAt) parts.push(`ended ${clockTime(last.stoppedAt)}`);
    if (last.pendingDelivery) parts.push("its last message not yet delivered");
    setFact(fields.lastSession, parts.join(" · "));
  } else {
    setFact(fields.lastSession, null);
  }
  fields.lastSession.parentElement.hidden = !(last && !tx);

  updateButtons(card, connector);
  drawSparkline(card);
}

/** A transaction's cost in its currency, or null before the CSMS has said (and under 1.6). */
function formatCost(tx) {
  if (tx.totalCost === null || tx.totalCost === undefined) return null;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: tx.currency }).format(tx.totalCost);
  } catch {
    return `${tx.totalCost} ${tx.currency}`;   // a currency code Intl does not know
  }
}

function setFact(node, text) {
  node.textContent = text ?? "—";
  node.classList.toggle("placeholder", text === null || text === undefined);
}

function updateDuration(card, connector) {
  const tx = isRunning(connector) ? connector.transaction : null;
  const started = tx ? Date.parse(tx.startedAt) : NaN;
  setFact(card.fields.duration, tx && !Number.isNaN(started) ? formatDuration(serverNow() - started) : null);
}

function updateButtons(card, connector) {
  const usable = state.streamUp && !card.busy;
  const running = isRunning(connector);
  const startable = !running && connector.status !== "Faulted" && connector.status !== "Unavailable";
  card.buttons.plug.disabled = !usable || connector.plugged;
  card.buttons.unplug.disabled = !usable || !connector.plugged;
  card.buttons.start.disabled = !usable || !startable;
  card.buttons.stop.disabled = !usable || !running;
  card.buttons.fault.disabled = !usable;
  // While faulted the form opens on "NoError (clear the fault)"; the button says so by colour and title.
  card.buttons.fault.classList.toggle("danger-outline", connector.errorCode !== "NoError");
  card.buttons.fault.title = connector.errorCode !== "NoError" ? `${connector.errorCode}: choose NoError to clear it` : "";
  for (const button of card.root.querySelectorAll("form button[type=submit]")) button.disabled = !usable;
  if (!startable && !card.startForm.hidden && !card.busy) closeForm(card, "start", false);
  card.root.setAttribute("aria-busy", card.busy ? "true" : "false");
  card.buttons.start.title = running ? "A transaction runs on this connector."
    : !startable ? `The connector is ${connector.status}.` : "";
}

function toggleForm(card, name) {
  const form = name === "start" ? card.startForm : card.faultForm;
  if (!form.hidden) { closeForm(card, name, true); return; }
  closeForm(card, name === "start" ? "fault" : "start", false);
  form.hidden = false;
  card.buttons[name].setAttribute("aria-expanded", "true");
  if (name === "start") {
    let remembered = "";
    try { remembered = localStorage.getItem(TAG_STORAGE_KEY) || ""; } catch { /* storage disabled */ }
    if (!card.tagInput.value) card.tagInput.value = remembered;
    card.tagInput.focus();
    card.tagInput.select();
  } else {
    const connector = state.connectors.get(card.id);
    card.errorSelect.value = connector && connector.errorCode !== "NoError" ? "NoError" : "OtherError";
    card.errorSelect.focus();
  }
}

function closeForm(card, name, returnFocus) {
  const form = name === "start" ? card.startForm : card.faultForm;
  if (form.hidden) return;
  const hadFocus = form.contains(document.activeElement);
  form.hidden = true;
  card.buttons[name].setAttribute("aria-expanded", "false");
  if (returnFocus || hadFocus) focusInCard(card, card.buttons[name]);
}

function focusInCard(card, preferred) {
  const target = preferred && !preferred.disabled && preferred.offsetParent !== null
    ? preferred
    : Object.values(card.buttons).find((button) => !button.disabled);
  (target || card.root.querySelector(".card-title")).focus?.();
}

function showCardMessage(card, kind, text, title) {
  const region = card.fields.message;
  clearTimeout(card.messageTimer);
  const paragraph = el("p");
  if (title) paragraph.append(el("strong", { text: title }), document.createTextNode(" — "));
  paragraph.append(document.createTextNode(text));
  const dismiss = el("button", {
    className: "icon-btn", text: "×", attrs: { type: "button", "aria-label": "Dismiss message" },
  });
  dismiss.addEventListener("click", () => {
    region.replaceChildren();
    focusInCard(card, null);
  });
  const box = el("div", { className: `card-message ${kind}` }, [paragraph, dismiss]);
  region.setAttribute("aria-live", kind === "error" ? "assertive" : "polite");
  region.replaceChildren(box);
  if (kind === "ok") card.messageTimer = setTimeout(() => region.replaceChildren(), OK_MESSAGE_MS);
}

function clearCardMessage(card) {
  clearTimeout(card.messageTimer);
  card.fields.message.replaceChildren();
}

async function runCardAction(card, work) {
  if (card.busy) return;
  const focused = document.activeElement;
  card.busy = true;
  clearCardMessage(card);
  refreshCard(card);
  try {
    await work();
  } catch (error) {
    if (error instanceof ApiError) showCardMessage(card, "error", error.message, problemTitle(error));
    else showCardMessage(card, "error", String(error && error.message || error), "Error");
  } finally {
    card.busy = false;
    refreshCard(card);
    if (!document.activeElement || document.activeElement === document.body || document.activeElement.disabled) {
      focusInCard(card, focused && card.root.contains(focused) ? focused : null);
    }
  }
}

function refreshCard(card) {
  const connector = state.connectors.get(card.id);
  if (connector) updateButtons(card, connector);
}

function applyConnector(connector) {
  if (!connector || typeof connector.id !== "number") return;
  const previous = state.connectors.get(connector.id);
  state.connectors.set(connector.id, connector);
  if (!cards.has(connector.id)) renderConnectors();
  else updateCard(connector.id);
  if (previous && previous.status !== connector.status) {
    announce(`Connector ${connector.id} is now ${connector.status}.`);
  }
  if (previous && (previous.powerW !== connector.powerW)) pushPower(connector.id, serverNow(), connector.powerW);
}

async function connectorAction(card, action) {
  await runCardAction(card, async () => {
    const { data } = await api("POST", `connectors/${card.id}/${action}`);
    applyConnector(data);
  });
}

async function startTransaction(card) {
  const idTag = card.tagInput.value.trim();
  // A 1.6 idTag is a CiString20, a 2.0.1 idToken a CiString36.
  const longest = document.body.dataset.ocpp === "2.0.1" ? 36 : 20;
  if (!idTag || idTag.length > longest) {
    card.tagInput.setAttribute("aria-invalid", "true");
    showCardMessage(card, "error", idTag ? `An idTag has at most ${longest} characters.` : "Type the idTag to start with.", "idTag");
    card.tagInput.focus();
    return;
  }
  try { localStorage.setItem(TAG_STORAGE_KEY, idTag); } catch { /* storage disabled */ }
  const submit = $("button[type=submit]", card.startForm);
  submit.textContent = "Starting…";
  submit.setAttribute("aria-busy", "true");
  let started = false;
  await runCardAction(card, async () => {
    const { status, data } = await api("POST", `connectors/${card.id}/start`, { idTag });
    started = true;
    if (!isTransaction(data)) {
      // OCPP 2.0.1: authorized, and the transaction waits for what TxStartPoint needs.
      applyConnector(data);
      showCardMessage(card, "info", `${idTag} is authorized; the transaction starts when TxStartPoint says.`, "Authorized");
      return;
    }
    mergeTransaction(data);
    if (status === 202) {
      showCardMessage(card, "info",
        `Transaction runs for ${data.idTag}; its start waits for delivery to the central system.`, "Started");
    } else {
      showCardMessage(card, "ok", `Transaction ${transactionLabel(data)} for ${data.idTag}.`, "Started");
    }
  });
  submit.textContent = "Start charging";
  submit.removeAttribute("aria-busy");
  if (started) closeForm(card, "start", true);
  else card.tagInput.setAttribute("aria-invalid", "true");
}

async function stopTransaction(card) {
  await runCardAction(card, async () => {
    const { data } = await api("POST", `connectors/${card.id}/stop`, {});
    mergeTransaction(data);
    const delivered = data.pendingDelivery ? " The stop waits for delivery." : "";
    showCardMessage(card, data.pendingDelivery ? "info" : "ok",
      `${formatKwh(data.energyWh)} delivered (${data.stopReason ?? "Local"}).${delivered}`,
      `Stopped transaction ${transactionLabel(data)}`);
  });
}

async function setFault(card) {
  const errorCode = card.errorSelect.value;
  let done = false;
  await runCardAction(card, async () => {
    const { data } = await api("POST", `connectors/${card.id}/fault`, { errorCode });
    done = true;
    applyConnector(data);
    showCardMessage(card, "ok", errorCode === "NoError" ? "The fault is cleared." : `${errorCode} reported.`,
      errorCode === "NoError" ? "Cleared" : "Faulted");
  });
  if (done) closeForm(card, "fault", true);
}

function mergeTransaction(tx) {
  if (!isTransaction(tx) || typeof tx.connectorId !== "number") return;
  const connector = state.connectors.get(tx.connectorId);
  if (!connector) return;
  const current = connector.transaction;
  if (tx.stoppedAt) {
    const last = state.lastTransaction.get(tx.connectorId);
    if (!last || newerOrSame(tx, last)) state.lastTransaction.set(tx.connectorId, tx);
    if (current && sameTransaction(current, tx)) connector.transaction = null;
  } else if (!current || newerOrSame(tx, current)) {
    connector.transaction = tx;
  }
  updateCard(tx.connectorId);
}

// ------------------------------------------------------------------ power sparkline

function pushPower(connectorId, t, w) {
  if (!state.power.has(connectorId)) state.power.set(connectorId, []);
  const series = state.power.get(connectorId);
  if (series.length && t < series[series.length - 1].t) return;
  series.push({ t, w: Number(w) || 0 });
  const cutoff = t - SPARK_WINDOW_MS - 5000;
  while (series.length > 2 && series[1].t < cutoff) series.shift();
}

function drawSparkline(card) {
  const connector = state.connectors.get(card.id);
  const series = (state.power.get(card.id) || []).slice();
  const now = serverNow();
  // The window grows with the history we have (at least a minute) up to five minutes, so a fresh
  // page shows a readable curve at once instead of a sliver at the right edge.
  const span = series.length ? Math.min(SPARK_WINDOW_MS, Math.max(SPARK_MIN_WINDOW_MS, now - series[0].t)) : SPARK_WINDOW_MS;
  const from = now - span;
  if (connector && series.length) series.push({ t: now, w: Number(connector.powerW) || 0 });
  const visible = series.filter((p, i) => p.t >= from || (series[i + 1] && series[i + 1].t >= from));
  const peak = visible.reduce((max, p) => Math.max(max, p.w), 0);
  const scale = Math.max(peak, 1000) * 1.1;
  const x = (t) => Math.max(0, Math.min(SPARK_W, ((t - from) / span) * SPARK_W));
  const y = (w) => (SPARK_H - 1 - ((SPARK_H - 4) * w) / scale).toFixed(1);
  const line = $(".spark-line", card.sparkline);
  const area = $(".spark-area", card.sparkline);
  if (visible.length < 2 || peak === 0) {
    line.setAttribute("points", "");
    area.setAttribute("d", "");
  } else {
    const points = visible.map((p) => `${x(p.t).toFixed(1)},${y(p.w)}`);
    line.setAttribute("points", points.join(" "));
    area.setAttribute("d", `M${x(visible[0].t).toFixed(1)},${SPARK_H} L${points.join(" L")} L${x(visible[visible.length - 1].t).toFixed(1)},${SPARK_H} Z`);
  }
  const minutes = Math.max(1, Math.round(span / 60000));
  const period = `the last ${minutes === 1 ? "minute" : `${minutes} minutes`}`;
  card.sparkline.setAttribute("aria-label", peak > 0
    ? `Power over ${period}, peak ${kw.format(peak / 1000)} kW`
    : `Power over ${period}: none delivered`);
}

// ------------------------------------------------------------------ frames

function frameKey(frame) {
  return `${frame.time}|${frame.direction}|${frame.type}|${frame.messageId}`;
}

function frameFilter() {
  return {
    action: $("#frame-filter").value.trim().toLowerCase(),
    direction: $("#frame-direction").value,
  };
}

function frameMatches(frame, filter) {
  if (filter.direction && frame.direction !== filter.direction) return false;
  if (!filter.action) return true;
  return String(frame.action ?? "").toLowerCase().includes(filter.action);
}

function frameElement(frame, filter) {
  const key = frameKey(frame);
  const out = frame.direction === "out";
  const [typeText, typeTone] = FRAME_TYPE[frame.type] || [String(frame.type ?? "?"), "neutral"];
  const payloadId = `frame-${Math.random().toString(36).slice(2)}`;
  const dir = el("span", { className: `badge f-dir ${out ? "tone-info" : "tone-finish"}` }, [
    el("span", { text: out ? "→ CSMS" : "← CSMS", attrs: { "aria-hidden": "true" } }),
    el("span", { className: "visually-hidden", text: out ? "sent to the CSMS" : "received from the CSMS" }),
  ]);
  const row = el("button", {
    className: "frame-row",
    attrs: { type: "button", "aria-expanded": "false", "aria-controls": payloadId },
  }, [
    el("span", { className: "f-time", text: clockTime(frame.time, true), attrs: { title: String(frame.time ?? "") } }),
    dir,
    el("span", { className: `badge f-type tone-${typeTone}`, text: typeText }),
    el("span", { className: "f-action", text: frame.action ?? "(unknown action)" }),
    el("span", { className: "f-id", text: String(frame.messageId ?? ""), attrs: { title: `messageId ${frame.messageId ?? ""}` } }),
  ]);
  const item = el("li", {}, [row]);
  item.dataset.action = String(frame.action ?? "");
  item.dataset.direction = String(frame.direction ?? "");
  item.dataset.type = String(frame.type ?? "");
  item.hidden = !frameMatches(frame, filter);
  item.frame = frame;
  row.addEventListener("click", () => toggleFrame(item, payloadId, key));
  if (state.expandedFrames.has(key)) toggleFrame(item, payloadId, key, true);
  return item;
}

function toggleFrame(item, payloadId, key, forceOpen = false) {
  const row = item.firstElementChild;
  let pre = item.querySelector(".frame-payload");
  const open = forceOpen || row.getAttribute("aria-expanded") !== "true";
  if (open && !pre) {
    pre = el("pre", { className: "frame-payload", attrs: { id: payloadId, tabindex: "0" } });
    pre.setAttribute("aria-label", `Payload of ${item.frame.action ?? "frame"} ${item.frame.messageId ?? ""}`);
    pre.textContent = JSON.stringify(item.frame.payload, null, 2) ?? "null";
    item.append(pre);
  }
  if (pre) pre.hidden = !open;
  row.setAttribute("aria-expanded", open ? "true" : "false");
  if (open) state.expandedFrames.add(key); else state.expandedFrames.delete(key);
}

function rememberAction(action) {
  if (!action || state.seenActions.has(action)) return;
  state.seenActions.add(action);
  const options = [...state.seenActions].sort();
  $("#frame-actions").replaceChildren(...options.map((name) => el("option", { attrs: { value: name } })));
}

// state.frames is sorted by time (oldest first) and the list shows it newest first. Frames are
// inserted in place, whatever order they come in (live or from GET messages), and the oldest are
// dropped beyond MAX_FRAMES; existing rows are never rebuilt, so an open payload stays open.
function insertFrame(frame, filter) {
  const key = frameKey(frame);
  if (state.frameKeys.has(key)) return false;
  const time = String(frame.time);
  let index = state.frames.length;
  while (index > 0 && String(state.frames[index - 1].time) > time) index--;
  if (index === 0 && state.frames.length >= MAX_FRAMES) return false;  // older than all we keep
  state.frames.splice(index, 0, frame);
  state.frameKeys.add(key);
  rememberAction(frame.action);
  const item = frameElement(frame, filter);
  frameItems.set(key, item);
  const newer = state.frames[index + 1];
  const list = $("#frames");
  list.insertBefore(item, newer ? frameItems.get(frameKey(newer)).nextSibling : list.firstChild);
  while (state.frames.length > MAX_FRAMES) {
    const droppedKey = frameKey(state.frames.shift());
    state.frameKeys.delete(droppedKey);
    state.expandedFrames.delete(droppedKey);
    frameItems.get(droppedKey)?.remove();
    frameItems.delete(droppedKey);
  }
  return true;
}

function addLiveFrame(frame) {
  if (insertFrame(frame, frameFilter())) updateFrameCount();
}

function mergeFrames(frames) {
  const filter = frameFilter();
  let added = false;
  for (const frame of frames) added = insertFrame(frame, filter) || added;
  if (added) updateFrameCount();
}

function applyFrameFilter() {
  const filter = frameFilter();
  for (const item of $("#frames").children) item.hidden = !frameMatches(item.frame, filter);
  updateFrameCount();
}

function updateFrameCount() {
  const filter = frameFilter();
  const total = state.frames.length;
  const shown = filter.action || filter.direction ? state.frames.filter((f) => frameMatches(f, filter)).length : total;
  const noun = total === 1 ? "frame" : "frames";
  $("#frames-count").textContent = shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
  const empty = $("#frames-empty");
  if (total === 0) {
    empty.textContent = "No OCPP frames yet.";
    empty.hidden = false;
  } else if (shown === 0) {
    const what = filter.action ? `action “${$("#frame-filter").value.trim()}”` : "this direction";
    empty.textContent = `No frames match ${what}.`;
    empty.hidden = false;
  } else {
    empty.hidden = true;
  }
}

async function loadFrames() {
  try {
    const { data } = await api("GET", `messages?limit=${FRAMES_ON_LOAD}`);
    if (data && Array.isArray(data.messages)) mergeFrames(data.messages);
  } catch (error) {
    // The live stream still brings new frames; say why the history is missing.
    $("#frames-empty").textContent = `Could not load earlier frames: ${error.message}`;
  }
}

// ------------------------------------------------------------------ configuration

function setConfiguration(entries) {
  const keys = new Set(entries.map((entry) => entry.key));
  for (const entry of entries) state.config.set(entry.key, entry);
  for (const key of [...state.config.keys()]) if (!keys.has(key)) state.config.delete(key);
  renderConfiguration();
  renderSecurityProfile();
}

function renderConfiguration() {
  const body = $("#config-body");
  const keys = [...state.config.keys()];
  const same = keys.length === configRows.size && keys.every((key) => configRows.has(key));
  if (!same) {
    body.replaceChildren();
    configRows.clear();
    for (const key of keys) {
      const row = createConfigRow(key);
      configRows.set(key, row);
      body.append(row.tr);
    }
  }
  for (const key of keys) updateConfigRow(key);
  const table = $("#config");
  table.hidden = keys.length === 0;
  const empty = $("#config-empty");
  empty.hidden = keys.length > 0;
  empty.textContent = "The charge point reports no configuration keys.";
  const writable = [...state.config.values()].filter((entry) => !entry.readonly).length;
  $("#config-count").textContent = `${keys.length} keys, ${writable} writable`;
}

function createConfigRow(key) {
  const tr = el("tr");
  tr.dataset.key = key;
  const keyCell = el("th", { className: "c-key", attrs: { scope: "row" } });
  appendCamelCase(keyCell, key);
  const valueCell = el("td", { className: "c-value" });
  const valueText = el("span", { className: "value-text" });
  valueCell.append(valueText);
  const actionsCell = el("td", { className: "c-actions" });
  const result = el("span", { className: "result", attrs: { role: "status", "aria-live": "polite" } });
  const row = { key, tr, valueCell, valueText, actionsCell, result, editing: false, form: null, editButton: null };
  const entry = state.config.get(key);
  if (entry && entry.readonly) {
    actionsCell.append(el("span", { className: "readonly-tag", text: "read-only" }));
  } else {
    const edit = el("button", {
      className: "btn small", text: "Edit", attrs: { type: "button", "aria-label": `Edit ${key}` },
    });
    edit.addEventListener("click", () => startEdit(row));
    row.editButton = edit;
    actionsCell.append(edit);
  }
  valueCell.append(result);
  tr.append(keyCell, valueCell, actionsCell);
  return row;
}

function updateConfigRow(key) {
  const row = configRows.get(key);
  const entry = state.config.get(key);
  if (!row || !entry) return;
  const value = String(entry.value ?? "");
  // Break long comma lists after the commas (<wbr> adds no characters to a copied value).
  const pieces = value === "" ? ["(empty)"] : value.split(",");
  row.valueText.replaceChildren();
  pieces.forEach((piece, index) => {
    if (index > 0) row.valueText.append(",", document.createElement("wbr"));
    row.valueText.append(piece);
  });
  row.valueText.classList.toggle("muted", value === "");
}

function startEdit(row) {
  if (row.editing) return;
  row.editing = true;
  row.tr.classList.add("editing");
  row.result.textContent = "";
  row.result.className = "result";
  const inputId = `config-${row.key}-input`;
  const input = el("input", {
    attrs: { type: "text", id: inputId, name: "value", autocomplete: "off", spellcheck: "false" },
  });
  input.value = state.config.get(row.key)?.value ?? "";
  const label = el("label", { className: "visually-hidden", text: `New value for ${row.key}`, attrs: { for: inputId } });
  const save = el("button", { className: "btn small primary", text: "Save", attrs: { type: "submit" } });
  const cancel = el("button", { className: "btn small ghost", text: "Cancel", attrs: { type: "button" } });
  const form = el("form", { attrs: { novalidate: "" } }, [label, input, el("div", { className: "form-buttons" }, [save, cancel])]);
  form.addEventListener("submit", (event) => { event.preventDefault(); saveEdit(row, input, save); });
  cancel.addEventListener("click", () => endEdit(row, true));
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); endEdit(row, true); }
  });
  input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
  row.form = form;
  row.valueText.hidden = true;
  row.valueCell.insertBefore(form, row.result);
  if (row.editButton) row.editButton.hidden = true;
  input.focus();
  input.select();
}

function endEdit(row, returnFocus) {
  if (!row.editing) return;
  row.editing = false;
  row.tr.classList.remove("editing");
  row.form?.remove();
  row.form = null;
  row.valueText.hidden = false;
  if (row.editButton) {
    row.editButton.hidden = false;
    if (returnFocus) row.editButton.focus();
  }
  updateConfigRow(row.key);
}

async function saveEdit(row, input, save) {
  const value = input.value;
  save.disabled = true;
  save.textContent = "Saving…";
  row.result.className = "result";
  row.result.textContent = "";
  try {
    const { data } = await api("PUT", `configuration/${encodeURIComponent(row.key)}`, { value });
    if (data && typeof data.key === "string") {
      state.config.set(data.key, { key: data.key, value: data.value, readonly: data.readonly });
      if (SECURITY_PROFILE_KEYS.includes(data.key)) renderSecurityProfile();
    }
    endEdit(row, true);
    const answer = data && data.status ? String(data.status) : "Accepted";
    row.result.className = `result ${answer === "Accepted" ? "ok" : "warn"}`;
    row.result.textContent = answer === "RebootRequired" ? "RebootRequired — applies after a reboot" : answer;
  } catch (error) {
    save.disabled = false;
    save.textContent = "Save";
    input.setAttribute("aria-invalid", "true");
    row.result.className = "result error";
    row.result.textContent = error.message;
    input.focus();
  }
}

// ------------------------------------------------------------------ security

/** The security profile's key under 1.6 and its variable under 2.0.1. */
const SECURITY_PROFILE_KEYS = ["SecurityProfile", "SecurityCtrlr.SecurityProfile"];

function renderSecurityProfile() {
  const badge = $("#security-profile");
  const meaning = $("#security-profile-meaning");
  const entry = SECURITY_PROFILE_KEYS.map((key) => state.config.get(key)).find(Boolean);
  const value = entry ? String(entry.value ?? "").trim() : "";
  const known = SECURITY_PROFILES[value];
  if (known) {
    setBadge(badge, value, known[1]);
    meaning.textContent = known[0];
  } else {
    setBadge(badge, value || "unknown", "neutral");
    meaning.textContent = entry ? "not a profile of the security whitepaper" : "The charge point reports no SecurityProfile key.";
  }
}

function securityTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? "");
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return clockTime(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clockTime(iso)}`;
}

function securityEventElement(event) {
  const type = String(event.type ?? "(unknown type)");
  const stamp = String(event.timestamp ?? "");
  const name = el("span", { className: "sec-type" });
  appendCamelCase(name, type);
  const line = el("div", { className: "sec-line" }, [
    el("time", { className: "sec-time num", text: securityTime(stamp), attrs: { datetime: stamp, title: stamp } }),
    name,
  ]);
  if (event.critical === true) line.append(el("span", { className: "badge tone-danger sec-critical", text: "critical" }));
  const item = el("li", { className: "sec-event" }, [line]);
  item.dataset.type = type;
  item.dataset.critical = String(event.critical === true);
  if (typeof event.techInfo === "string" && event.techInfo !== "") {
    item.append(el("p", { className: "sec-info small", text: event.techInfo, attrs: { title: event.techInfo } }));
  }
  return item;
}

function renderSecurityEvents() {
  const events = state.securityEvents || [];
  const shown = events.slice(-SECURITY_EVENTS_SHOWN).reverse();
  $("#security-events").replaceChildren(...shown.map(securityEventElement));
  const empty = $("#security-empty");
  empty.hidden = shown.length > 0;
  empty.textContent = "No security events yet.";
  const noun = events.length === 1 ? "event" : "events";
  $("#security-count").textContent = events.length > shown.length
    ? `newest ${shown.length} of ${events.length} ${noun}` : `${events.length} ${noun}`;
}

// Overlapping loads (the snapshot and a link change at once, a Refresh click) are fine: only the
// answer to the newest request is shown. The button stays enabled (disabling it would drop the
// keyboard focus); `byHand` says whether to confirm the update in its status line.
async function loadSecurityEvents(byHand = false) {
  const sequence = ++state.securityLoads;
  const refresh = $("#security-refresh");
  const result = $("#security-result");
  refresh.setAttribute("aria-busy", "true");
  try {
    const { data } = await api("GET", "security-events");
    if (sequence !== state.securityLoads) return;
    state.securityEvents = data && Array.isArray(data.events) ? data.events : [];
    renderSecurityEvents();
    result.className = "result muted";
    result.textContent = byHand === true ? `Updated ${clockTime(new Date().toISOString())}.` : "";
  } catch (error) {
    if (sequence !== state.securityLoads) return;
    result.className = "result error";
    result.textContent = `Could not load the security events: ${error.message}`;
    if (!state.securityEvents) $("#security-empty").textContent = "The security log is not available.";
  } finally {
    if (sequence === state.securityLoads) refresh.removeAttribute("aria-busy");
  }
}

// ------------------------------------------------------------------ events

const handlers = {
  snapshot(data) {
    tokenAccepted();
    state.streamUp = true;
    state.hadStream = true;
    retryDelay = RETRY_MIN_MS;
    if (data.status) setStatus(data.status);
    const connectors = Array.isArray(data.connectors) ? data.connectors : [];
    state.connectors = new Map(connectors.map((connector) => [connector.id, connector]));
    for (const tx of data.transactions || []) {
      const connector = state.connectors.get(tx.connectorId);
      if (connector && !connector.transaction && !tx.stoppedAt) connector.transaction = tx;
    }
    const now = serverNow();
    for (const connector of connectors) pushPower(connector.id, now, connector.powerW);
    renderConnectors();
    if (Array.isArray(data.configuration)) setConfiguration(data.configuration);
    streamIsUp();
    loadFrames();
    loadLastTransactions();
    loadSecurityEvents();
    // The display exists under 2.0.1 only.
    if (data.status && data.status.ocppVersion === "2.0.1") loadDisplay();
  },
  status(data) {
    const before = state.status && state.status.link;
    setStatus(data);
    // No stream event for the security log: a new connection is when new entries are likely
    // (a failed TLS handshake, a changed profile), so read it again then.
    if (data.link === "connected" && before !== "connected") loadSecurityEvents();
  },
  connector(data) { applyConnector(data); },
  meter(data) {
    noteServerTime(data.time);
    const connector = state.connectors.get(data.connectorId);
    if (!connector) return;
    connector.energyWh = data.energyWh;
    connector.powerW = data.powerW;
    if (isRunning(connector)) {
      connector.transaction.energyWh = Math.max(0, data.energyWh - connector.transaction.meterStartWh);
    }
    pushPower(data.connectorId, Date.parse(data.time) || serverNow(), data.powerW);
    updateCard(data.connectorId);
  },
  transaction(data) {
    const tx = data.transaction;
    if (!tx) return;
    mergeTransaction(tx);
    const where = `connector ${tx.connectorId}`;
    const texts = {
      started: `Transaction started on ${where}${tx.idTag ? ` for ${tx.idTag}` : ""}.`,
      ended: `Transaction ${transactionLabel(tx)} on ${where} ended (${tx.stopReason ?? "ended"}).`,
      confirmed: `The central system confirmed transaction ${transactionLabel(tx)} on ${where}.`,
      stopped: `Transaction ${transactionLabel(tx)} on ${where} stopped (${tx.stopReason ?? "stopped"}).`,
      delivered: `Transaction ${transactionLabel(tx)} on ${where}: all messages delivered.`,
    };
    if (texts[data.event]) announce(texts[data.event]);
  },
  configuration(data) {
    if (!data || typeof data.key !== "string") return;
    const known = state.config.has(data.key);
    state.config.set(data.key, data);
    if (known) updateConfigRow(data.key); else renderConfiguration();
    if (SECURITY_PROFILE_KEYS.includes(data.key)) renderSecurityProfile();
  },
  frame(data) {
    noteServerTime(data.time);
    addLiveFrame(data);
  },
  display(data) {
    state.displayEvents += 1;
    renderDisplay(data);
  },
};

// The display's state at (re)connection; the stream's `display` events follow every change after it, and
// one that arrives while the request is out is newer than its answer.
async function loadDisplay() {
  const events = state.displayEvents;
  try {
    const { data } = await api("GET", "display");
    if (state.displayEvents === events) renderDisplay(data);
  } catch (error) {
    $("#display-shown-facts").textContent = `Could not load the display: ${error.message}`;
  }
}

async function loadLastTransactions() {
  try {
    const { data } = await api("GET", "transactions?limit=20");
    for (const tx of (data && data.transactions) || []) {
      if (!tx.stoppedAt) continue;
      const last = state.lastTransaction.get(tx.connectorId);
      if (!last || newerOrSame(tx, last)) state.lastTransaction.set(tx.connectorId, tx);
    }
    for (const id of cards.keys()) updateCard(id);
  } catch { /* only decoration */ }
}

let source = null;
let retryTimer = null;
let retryDelay = RETRY_MIN_MS;

// A fresh EventSource per connection (no Last-Event-ID): the service sends a snapshot first, which is
// right after a restart too, when its event ids start again and an old id would mean nothing.
function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (source) source.close();
  source = new EventSource(eventsUrl());
  for (const [type, handle] of Object.entries(handlers)) {
    source.addEventListener(type, (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      if (data === null || typeof data !== "object") return;
      state.lastEventAt = new Date();
      if (type !== "snapshot" && !state.streamUp) return;
      handle(data);
    });
  }
  source.addEventListener("error", async () => {
    if (source) source.close();
    source = null;
    streamIsDown();
    if (await accessRefused()) return;   // the token form connects again
    if (source || retryTimer) return;    // connected again meanwhile
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  });
}

function streamIsUp() {
  const banner = $("#stream-banner");
  const wasDown = !banner.hidden;
  banner.hidden = true;
  $("#main").classList.remove("stale");
  renderLink();
  for (const card of cards.values()) refreshCard(card);
  if (wasDown) announce("Live connection to the charge point service restored.");
  else if (!state.status || $("#status-line").textContent === "Loading…") announce("Live.");
}

function streamIsDown() {
  const wasUp = state.streamUp;
  state.streamUp = false;
  $("#main").classList.add("stale");
  const banner = $("#stream-banner");
  $("#stream-banner-text").textContent = state.hadStream
    ? "Lost the live connection to the charge point service — reconnecting…"
    : "Cannot reach the charge point service — retrying…";
  banner.hidden = false;
  renderLink();
  for (const card of cards.values()) refreshCard(card);
  if (wasUp) announce("Live connection lost; reconnecting.");
}

// ------------------------------------------------------------------ clocks

function tickClocks() {
  if (state.status) {
    const running = state.streamUp ? (Date.now() - state.statusReceivedAt) / 1000 : 0;
    $("#uptime").textContent = formatUptime((Number(state.status.uptimeSeconds) || 0) + running);
  }
  for (const card of cards.values()) {
    const connector = state.connectors.get(card.id);
    if (!connector) continue;
    updateDuration(card, connector);
    drawSparkline(card);
  }
  $("#last-event").textContent = state.lastEventAt ? `Last event ${clockTime(state.lastEventAt.toISOString())}` : "No events yet";
}

function start() {
  // A fleet serves each station's page at /stations/<id>/: the way back to the fleet's list.
  $("#fleet-link").hidden = !/\/stations\/[^/]+\/$/.test(location.pathname);
  setUpTokenForm({
    message: { at: "#stream-banner-text", text: "The charge point service needs its API token." },
    waiting: () => !state.streamUp,
    submitted: connect,
    focusAfter: "#connectors-heading",
  });
  $("#frame-filter").addEventListener("input", applyFrameFilter);
  $("#frame-direction").addEventListener("change", applyFrameFilter);
  $("#security-refresh").addEventListener("click", () => loadSecurityEvents(true));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !source && retryTimer) connect();
  });
  window.addEventListener("online", () => { if (!source) connect(); });
  updateFrameCount();
  setInterval(tickClocks, 1000);
  connect();
}

start();
