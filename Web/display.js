// The station's display under OCPP 2.0.1 (display messages, functional block O): what it shows now and
// every message the CSMS set, from GET api/v1/display and the stream's `display` event. The station
// decides what is shown and when the next message's turn comes; the page only draws it.
import { clockTime, el, setBadge } from "./dom.js";

const STATE_TONE = { Idle: "ok", Charging: "active", Unavailable: "neutral", Faulted: "danger" };
const PRIORITY_TONE = { AlwaysFront: "warn", InFront: "info", NormalCycle: "neutral" };

// A URI message is a link when it is a web address; anything else (and every other format) is text.
function content(message) {
  const text = message.message.content;
  if (message.message.format === "URI" && /^https?:\/\//i.test(text)) {
    return el("a", { text, attrs: { href: text, rel: "noopener noreferrer", target: "_blank" } });
  }
  return el("span", { text });
}

function validity(message) {
  const from = message.startDateTime ? `from ${clockTime(message.startDateTime)}` : "";
  const until = message.endDateTime ? `until ${clockTime(message.endDateTime)}` : "";
  return [from, until].filter(Boolean).join(" ") || "no end";
}

// Priority, state, validity, transaction and language of one message, as one line of facts.
function facts(message) {
  return [
    message.state ? `state ${message.state}` : "any state",
    validity(message),
    message.transactionId ? `transaction ${message.transactionId.slice(0, 8)}` : "",
    message.message.language ? `language ${message.message.language}` : "",
  ].filter(Boolean).join(" · ");
}

function messageItem({ message, inForce }) {
  const badge = el("span", { className: "badge" });
  setBadge(badge, message.priority, PRIORITY_TONE[message.priority] ?? "neutral");
  const force = el("span", { className: "badge" });
  setBadge(force, inForce ? "in force" : "waiting", inForce ? "ok" : "neutral");
  return el("li", { className: "display-message", attrs: { "data-id": String(message.id) } }, [
    el("div", { className: "display-message-line" }, [
      el("span", { className: "display-message-id mono", text: `#${message.id}` }), badge, force,
    ]),
    el("p", { className: "display-message-content" }, [content(message)]),
    el("p", { className: "display-message-facts muted small", text: facts(message) }),
  ]);
}

export function renderDisplay(display) {
  const root = document.querySelector(".display-panel");
  setBadge(root.querySelector("#display-state"), display.state, STATE_TONE[display.state] ?? "neutral");
  const screen = root.querySelector("#display-screen");
  const shown = display.shown;
  screen.dataset.shown = shown ? String(shown.id) : "";
  if (shown) {
    screen.replaceChildren(el("p", { className: "display-text" }, [content(shown)]));
  } else {
    screen.replaceChildren(el("p", { className: "display-blank", text: display.enabled ? "Nothing to show" : "Display disabled" }));
  }
  const turn = display.cycle.length > 1 ? `${display.cycle.indexOf(shown.id) + 1} of ${display.cycle.length} taking turns` : "";
  root.querySelector("#display-shown-facts").textContent =
    shown ? [`#${shown.id} ${shown.priority}`, turn, facts(shown)].filter(Boolean).join(" · ") : "";

  root.querySelector("#display-messages").replaceChildren(...display.messages.map(messageItem));
  root.querySelector("#display-empty").hidden = display.messages.length > 0;
  const noun = display.messages.length === 1 ? "message" : "messages";
  root.querySelector("#display-count").textContent = `${display.messages.length} ${noun}`;
}
