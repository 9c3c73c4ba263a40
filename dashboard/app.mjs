// SPDX-License-Identifier: MIT
// The dashboard page: sign-in, the key in sessionStorage, hash navigation between the views, and the period
// shared by the analytics views. The URL holds the view and the period (#/margin?from=2026-11-01&to=…), never
// the key. Each view is a custom element with `load({api, period})`; the live view also `activate`/`deactivate`.
import { AdminApi } from "./api.mjs";
import "./chart.mjs";
import { nextUtcDay } from "./format.mjs";
import "./live-stock.mjs";
import "./margin-view.mjs";
import "./promotions-view.mjs";
import "./replay-view.mjs";
import "./sign-in.mjs";

const KEY_STORAGE = "cartcore.dashboard.key";
const VIEWS = ["promotions", "margin", "live", "replay"];
const PERIOD_VIEWS = new Set(["promotions", "margin"]);
const byId = (id) => document.getElementById(id);

let api = null;
let shown = null; // the view on screen

/** The view and period in the URL's hash: "#/margin?from=2026-11-01&to=2026-11-30". */
function readLocation() {
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const search = new URLSearchParams(query);
  const period = {};
  for (const name of ["from", "to", "configVersion", "currency"]) if (search.get(name)) period[name] = search.get(name);
  return { view: VIEWS.includes(path) ? path : "promotions", period };
}

function hashFor(view, period) {
  const query = new URLSearchParams(Object.entries(period).filter(([, value]) => value)).toString();
  return `#/${view}${query ? `?${query}` : ""}`;
}

/** The API's parameters for the period form's days: [from 00:00Z, the day after `to` 00:00Z). */
function apiPeriod(period) {
  return {
    from: period.from ? `${period.from}T00:00:00Z` : undefined,
    to: period.to ? `${nextUtcDay(period.to)}T00:00:00Z` : undefined,
    configVersion: period.configVersion,
    currency: period.currency?.toUpperCase(),
  };
}

/** Shows the period a view actually got (the API fills in defaults) in the form, as inclusive UTC days. */
function showPeriod({ from, to }) {
  if (from) byId("period-from").value = from.slice(0, 10);
  if (to) byId("period-to").value = new Date(Date.parse(to) - 1).toISOString().slice(0, 10);
}

async function render({ focus }) {
  const { view, period } = readLocation();
  for (const link of document.querySelectorAll("#sections a")) {
    link.href = hashFor(link.dataset.view, period); // moving between views keeps the period
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  for (const section of document.querySelectorAll("section.view")) section.hidden = section.dataset.view !== view;
  byId("period").hidden = !PERIOD_VIEWS.has(view);
  const form = byId("period");
  form.elements.configVersion.value = period.configVersion ?? "";
  form.elements.currency.value = period.currency ?? "";
  if (period.from) form.elements.from.value = period.from;
  if (period.to) form.elements.to.value = period.to;

  const section = byId(`view-${view}`);
  const element = section.querySelector("h2 + *");
  if (shown && shown !== element) shown.deactivate?.();
  shown = element;
  if (focus) section.querySelector("h2").focus();
  element.activate?.(api);
  // The replay starts from the days in the period form (what the analytics views last showed).
  const days = { from: form.elements.from.value || period.from, to: form.elements.to.value || period.to };
  const result = await element.load?.({ api, period: apiPeriod(period), days });
  if (result?.from && PERIOD_VIEWS.has(view) && readLocation().view === view) showPeriod(result);
}

function signIn(token, { focus }) {
  sessionStorage.setItem(KEY_STORAGE, token);
  api = new AdminApi(token, { onUnauthorized: () => signOut("The server refused this key (revoked or expired); sign in again.") });
  byId("sign-in").hidden = true;
  byId("dashboard").hidden = false;
  byId("sections").hidden = false;
  byId("sign-out").hidden = false;
  render({ focus });
}

function signOut(message = "") {
  if (!api) return;
  sessionStorage.removeItem(KEY_STORAGE);
  api = null;
  shown?.deactivate?.();
  shown = null;
  for (const view of document.querySelectorAll("section.view h2 + *")) view.clear?.();
  byId("dashboard").hidden = true;
  byId("sections").hidden = true;
  byId("sign-out").hidden = true;
  const signInForm = byId("sign-in");
  signInForm.hidden = false;
  signInForm.reset(message);
}

function start() {
  byId("sign-in").addEventListener("signed-in", (event) => signIn(event.detail.token, { focus: true }));
  byId("sign-out").addEventListener("click", () => signOut("Signed out."));
  // The skip link moves the focus without touching the hash, which holds the view and period.
  byId("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    byId("main").focus();
  });
  window.addEventListener("hashchange", () => api && render({ focus: true }));
  byId("period").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const period = {
      from: form.elements.from.value,
      to: form.elements.to.value,
      configVersion: form.elements.configVersion.value.trim(),
      currency: form.elements.currency.value.trim().toUpperCase(),
    };
    const error = period.from && period.to && period.from > period.to ? "The first day must not be after the last day." : "";
    byId("period-error").textContent = error;
    if (error) return;
    const hash = hashFor(readLocation().view, period);
    if (location.hash === hash) render({ focus: false });
    else {
      history.replaceState(null, "", hash); // a new period is not a new page in the history
      render({ focus: false });
    }
  });
  const token = sessionStorage.getItem(KEY_STORAGE);
  if (token) signIn(token, { focus: false });
  else byId("sign-in").focus();
}

start();
