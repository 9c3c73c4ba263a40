// SPDX-License-Identifier: MIT
// <cartcore-sign-in>: asks for an analytics key (or the admin token), checks it against the API and announces
// it with a `signed-in` event {token}. The form never submits (the page's CSP says form-action 'none'), so the
// key cannot end up in a URL or the history; the page keeps it in sessionStorage, gone with the tab.
import { AdminApi, ApiError } from "./api.mjs";
import { element } from "./dom.mjs";

export class CartcoreSignIn extends HTMLElement {
  #input;
  #error;
  #button;

  connectedCallback() {
    if (this.#input) return;
    this.#input = element("input", { id: "key", name: "key", type: "password", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "key-help key-error" });
    this.#error = element("p", { id: "key-error", class: "error", role: "alert" });
    this.#button = element("button", { type: "submit", text: "Sign in" });
    const form = element("form", { class: "sign-in", novalidate: true },
      element("h2", { text: "Sign in" }),
      element("label", { for: "key", text: "Analytics key or admin token" }),
      this.#input,
      element("p", { id: "key-help", class: "hint", text: "Kept in this tab only (session storage) and sent as a bearer token; never put in a link." }),
      this.#button,
      this.#error);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#signIn();
    });
    this.replaceChildren(form);
  }

  /** Shows why the previous session ended ("the key was refused") and puts the focus on the key. */
  reset(message = "") {
    this.#input.value = "";
    this.#setError(message);
    this.#input.focus();
  }

  focus() {
    this.#input?.focus();
  }

  #setError(message) {
    this.#error.textContent = message;
    if (message) this.#input.setAttribute("aria-invalid", "true");
    else this.#input.removeAttribute("aria-invalid");
  }

  async #signIn() {
    const token = this.#input.value.trim();
    if (!token) {
      this.#setError("Enter the key.");
      this.#input.focus();
      return;
    }
    this.#button.disabled = true;
    this.#setError("");
    try {
      // The cheapest analytics read tells whether this key may read analytics.
      await new AdminApi(token).get("/v1/admin/analytics/promotions", { limit: 1 });
      this.#input.value = "";
      this.dispatchEvent(new CustomEvent("signed-in", { detail: { token }, bubbles: true }));
    } catch (error) {
      this.#setError(refusal(error));
      this.#input.focus();
    } finally {
      this.#button.disabled = false;
    }
  }
}

function refusal(error) {
  if (!(error instanceof ApiError)) return `The server could not be reached: ${error.message}`;
  if (error.status === 401) return "This key was not accepted.";
  if (error.status === 403) return `This key's scope (${error.details.scope ?? "unknown"}) cannot read analytics: sign in with an analytics or admin key.`;
  return `The key could not be checked: ${error.message}`;
}

customElements.define("cartcore-sign-in", CartcoreSignIn);
