// The API token, for both pages (index.html with app.js, fleet.html with fleet.js). A service or fleet
// started with --api-token answers 401 to every API request without it. The page asks for the token once
// (the inline form #token-form, the same markup on both pages), keeps it for this tab in sessionStorage and
// sends it as `Authorization: Bearer`. One storage key for both: a station's page, opened from the fleet
// page in the same tab, finds the token there.

const STORAGE_KEY = "chargepoint.apiToken";   // sessionStorage: this tab only

const $ = (selector) => document.querySelector(selector);

let token = "";
try { token = sessionStorage.getItem(STORAGE_KEY) || ""; } catch { /* storage disabled */ }

// What differs between the pages, given to setUpTokenForm.
let page = null;

// The token to send ("" when there is none).
export function apiToken() {
  return token;
}

export function withToken(headers) {
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

function storeToken(value) {
  token = value;
  try { sessionStorage.setItem(STORAGE_KEY, value); } catch { /* storage disabled */ }
}

function forgetToken() {
  token = "";
  try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* storage disabled */ }
}

// Wires the form. `settings`:
//   message: { at, text }  a text the page shows (at that selector) while it waits for the token;
//   waiting()              whether the status line should say the page waits for the token (nothing shown yet);
//   submitted()            called with a new token stored: the page asks the service again;
//   focusAfter             the selector that takes the focus from the form when the token was accepted.
export function setUpTokenForm(settings) {
  page = settings;
  $("#token-form").addEventListener("submit", submitToken);
  $("#token-input").addEventListener("input", () => $("#token-input").removeAttribute("aria-invalid"));
}

// Whether the page shows the form, i.e. waits for a token.
export function waitingForToken() {
  return !$("#token-form").hidden;
}

// The service refused the token (or there was none): forget it and ask; a wrong one shows the detail.
export function askForToken(detail) {
  const form = $("#token-form");
  const input = $("#token-input");
  const error = $("#token-error");
  const rejected = Boolean(token);
  forgetToken();
  error.textContent = rejected ? detail || "The service refused the token." : "";
  error.hidden = !rejected;
  if (rejected) input.setAttribute("aria-invalid", "true");
  $(page.message.at).textContent = page.message.text;
  if (page.waiting()) $("#status-line").textContent = "Waiting for the API token.";
  const wasHidden = form.hidden;
  form.hidden = false;
  if (wasHidden || rejected) {
    input.focus();
    input.select();
  }
}

function submitToken(event) {
  event.preventDefault();
  const input = $("#token-input");
  const value = input.value.trim();
  if (!value) {
    input.setAttribute("aria-invalid", "true");
    $("#token-error").textContent = "Type the token the service was started with.";
    $("#token-error").hidden = false;
    input.focus();
    return;
  }
  storeToken(value);
  input.removeAttribute("aria-invalid");
  $("#token-error").hidden = true;
  page.submitted();
}

// The service answered with the token: the form goes, and its focus to the page's own place.
export function tokenAccepted() {
  const form = $("#token-form");
  if (form.hidden) return;
  const hadFocus = form.contains(document.activeElement);
  form.hidden = true;
  $("#token-input").value = "";
  $("#token-error").hidden = true;
  if (hadFocus) $(page.focusAfter).focus();
}
