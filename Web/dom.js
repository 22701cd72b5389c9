// Small DOM helpers shared by the page's modules. Every text goes in with textContent, never as markup.

export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export function setBadge(node, text, tone) {
  node.textContent = text;
  node.dataset.value = text;
  node.className = node.className.replace(/\btone-\w+/g, "").trim() + " tone-" + tone;
}

export function clockTime(iso, withMillis = false) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? "");
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  const base = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return withMillis ? `${base}.${pad(date.getMilliseconds(), 3)}` : base;
}
