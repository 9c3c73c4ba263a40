// SPDX-License-Identifier: MIT
// <cartcore-breakdown>: a cart-page custom element that prices the cart in the browser with the cartcore
// WebAssembly package and shows the shopper why each price is what it is. It only adapts and renders: every
// amount, reason and sentence comes from the engine's quote (docs/FORMAT.md); money stays a decimal string.
//
//   <cartcore-breakdown package="/cartcore/js/cartcore.mjs" config="/store.json" editable></cartcore-breakdown>
//   element.cart = { lines: [{ variant: "mug", quantity: 2 }], coupons: ["SAVE10"] };   // re-prices at once
//   element.stock = { mug: 3 };                                                       // live stock, for "3 left"
//   element.addEventListener("quote-updated", (e) => console.log(e.detail.quote.totals.total));
//
// Attributes: package (URL of the package's js/cartcore.mjs), wasm (URL of cartcore.wasm; default: next to the
// package), config (URL of the store config JSON), cart and stock (JSON text), segments (space-separated),
// editable (quantity inputs), lang (or the nearest ancestor's: the language of the engine's sentences and of the
// widget's own labels; English, German, French and Spanish). Properties: config, cart, stock (objects or JSON text), quote (read-only).
// Events (bubbling, composed): quote-updated {quote, request}, quote-error {error, request}, cart-change {cart}.

const STYLE = `
:host {
  display: block;
  font: var(--cartcore-font, 15px/1.45 system-ui, sans-serif);
  color: var(--cartcore-fg, #1d232a);
  background: var(--cartcore-bg, #fff);
  border: 1px solid var(--cartcore-border, #d8dde3);
  border-radius: var(--cartcore-radius, 10px);
  padding: var(--cartcore-padding, 1rem 1.25rem);
}
h2 { font-size: 1.1em; margin: 0 0 .6em; }
h3 { font-size: .95em; margin: 1em 0 .3em; }
table { width: 100%; border-collapse: collapse; }
caption { text-align: left; font-weight: 600; padding-bottom: .4em; }
th, td { text-align: left; vertical-align: top; padding: .45em .35em; border-top: 1px solid var(--cartcore-border, #d8dde3); }
thead th { border-top: 0; font-size: .85em; color: var(--cartcore-muted, #5b6670); font-weight: 600; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.was { text-decoration: line-through; color: var(--cartcore-muted, #5b6670); margin-right: .3em; }
ul { margin: .2em 0 0; padding-left: 1.1em; }
.adjustments { list-style: none; padding: 0; font-size: .88em; }
.saving { color: var(--cartcore-saving, #116b3a); }
.clamp { color: var(--cartcore-muted, #5b6670); font-style: italic; }
.scarcity { display: inline-block; margin-top: .25em; font-size: .82em; font-weight: 600; color: var(--cartcore-warning, #9a4a00); }
.nudges li { color: var(--cartcore-accent, #1f5fbf); }
.reasons { color: var(--cartcore-muted, #5b6670); font-size: .9em; }
input[type=number] { width: 4.2em; font: inherit; padding: .2em .3em; border: 1px solid var(--cartcore-border, #9aa5b1); border-radius: 6px; }
input[type=number]:focus-visible { outline: 3px solid var(--cartcore-focus, #1f5fbf); outline-offset: 1px; }
dl.totals { display: grid; grid-template-columns: 1fr auto; gap: .2em 1em; margin: 1em 0 0; }
dl.totals dt { color: var(--cartcore-muted, #5b6670); }
dl.totals dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
dl.totals .grand { font-weight: 700; color: var(--cartcore-fg, #1d232a); font-size: 1.1em; }
.error { color: var(--cartcore-error, #a4161a); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** The widget's own labels; every other sentence is the engine's, in the language the quote names. */
const LABELS = {
  en: {
    loading: "Loading prices…", heading: "Price breakdown", item: "Item", qty: "Qty", price: "Price", discounts: "Discounts",
    total: "Total", items: (n) => `${n} ${n === 1 ? "item" : "items"}`, quantityOf: (name) => `Quantity of ${name}`,
    discountsOn: (name) => `Discounts on ${name}`, was: (amount) => `was ${amount}`, left: (n) => `Only ${n} left`,
    applied: "Savings applied", nudges: "Almost there", reasons: "Why some offers did not apply", codes: "Codes",
    freeShipping: "Free shipping", subtotal: "Subtotal", priceRuleSavings: "Price-rule savings",
    promotionSavings: "Promotion savings", itemsTotal: "Items", shipping: "Shipping", included: "included",
    cannotPrice: "This cart cannot be priced", unavailable: "Prices are unavailable",
  },
  de: {
    loading: "Preise werden geladen…", heading: "Preisaufstellung", item: "Artikel", qty: "Menge", price: "Preis", discounts: "Rabatte",
    total: "Gesamt", items: (n) => `${n} Artikel`, quantityOf: (name) => `Menge von ${name}`,
    discountsOn: (name) => `Rabatte auf ${name}`, was: (amount) => `vorher ${amount}`, left: (n) => `Nur noch ${n} verfügbar`,
    applied: "Ihre Ersparnisse", nudges: "Fast geschafft", reasons: "Warum einige Angebote nicht gelten", codes: "Codes",
    freeShipping: "Kostenloser Versand", subtotal: "Zwischensumme", priceRuleSavings: "Preisnachlässe",
    promotionSavings: "Aktionsrabatte", itemsTotal: "Artikel", shipping: "Versand", included: "enthalten",
    cannotPrice: "Dieser Warenkorb kann nicht berechnet werden", unavailable: "Preise sind nicht verfügbar",
  },
  fr: {
    loading: "Chargement des prix…", heading: "Détail du prix", item: "Article", qty: "Qté", price: "Prix", discounts: "Remises",
    total: "Total", items: (n) => `${n} ${n <= 1 ? "article" : "articles"}`, quantityOf: (name) => `Quantité de ${name}`,
    discountsOn: (name) => `Remises sur ${name}`, was: (amount) => `au lieu de ${amount}`, left: (n) => `Plus que ${n} en stock`,
    applied: "Économies appliquées", nudges: "Presque\u00a0!", reasons: "Pourquoi certaines offres ne s’appliquent pas", codes: "Codes",
    freeShipping: "Livraison offerte", subtotal: "Sous-total", priceRuleSavings: "Remises sur prix",
    promotionSavings: "Remises promotionnelles", itemsTotal: "Articles", shipping: "Livraison", included: "incluse",
    cannotPrice: "Impossible de calculer ce panier", unavailable: "Prix indisponibles",
  },
  es: {
    loading: "Cargando precios…", heading: "Desglose del precio", item: "Artículo", qty: "Cant.", price: "Precio", discounts: "Descuentos",
    total: "Total", items: (n) => `${n} ${n === 1 ? "artículo" : "artículos"}`, quantityOf: (name) => `Cantidad de ${name}`,
    discountsOn: (name) => `Descuentos en ${name}`, was: (amount) => `antes ${amount}`, left: (n) => `Solo quedan ${n}`,
    applied: "Ahorros aplicados", nudges: "Casi lo tienes", reasons: "Por qué algunas ofertas no se aplican", codes: "Códigos",
    freeShipping: "Envío gratis", subtotal: "Subtotal", priceRuleSavings: "Rebajas de precio",
    promotionSavings: "Descuentos de promociones", itemsTotal: "Artículos", shipping: "Envío", included: "incluido",
    cannotPrice: "No se puede calcular este carrito", unavailable: "Precios no disponibles",
  },
};

/** A BCP 47 tag as the engine accepts it ("de_DE" written the POSIX way becomes "de-DE"), or null. */
function languageTag(value) {
  const tag = (value ?? "").trim().replace(/_/g, "-");
  return tag.length <= 35 && /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
}

/** Money is displayed exactly as the engine wrote it (a decimal string) with its currency code. */
const money = (amount, currency) => `${amount} ${currency}`;
/** Adjustment amounts are signed strings ("-4.00"); shown as a saving without the sign. */
const unsigned = (amount) => (amount.startsWith("-") ? amount.slice(1) : amount);

function parseJsonish(value, what) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

export class CartcoreBreakdown extends HTMLElement {
  static observedAttributes = ["package", "wasm", "config", "cart", "stock", "segments", "editable", "lang"];

  #root = this.attachShadow({ mode: "open" });
  #instance = null; // the loaded package instance (one per element; a page may share by passing the same URL)
  #loading = null;
  #engine = null;
  #configSource = null;
  #configObject = null;
  #cart = null;
  #stock = null;
  #quote = null;
  #status;
  #pending = false;

  constructor() {
    super();
    this.#root.append(element("style", { text: STYLE }));
    this.#status = element("p", { role: "status", "aria-live": "polite", class: "visually-hidden" });
    this.#root.append(element("div", { part: "body" }, element("p", { text: this.#labels().loading })), this.#status);
  }

  get config() {
    return this.#configObject;
  }
  set config(value) {
    this.#configObject = parseJsonish(value, "config");
    this.#configSource = null;
    this.#disposeEngine();
    this.#schedule();
  }
  get cart() {
    return this.#cart;
  }
  set cart(value) {
    this.#cart = parseJsonish(value, "cart");
    this.#schedule();
  }
  get stock() {
    return this.#stock;
  }
  set stock(value) {
    this.#stock = parseJsonish(value, "stock");
    this.#schedule();
  }
  /** The latest quote the engine returned (the parsed object), or null. */
  get quote() {
    return this.#quote;
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value) return;
    if (name === "cart") this.cart = value;
    else if (name === "stock") this.stock = value;
    else if (name === "config") {
      this.#configSource = value;
      this.#configObject = null;
      this.#disposeEngine();
      this.#schedule();
    } else this.#schedule();
  }

  connectedCallback() {
    this.#schedule();
  }

  disconnectedCallback() {
    this.#disposeEngine();
  }

  #disposeEngine() {
    this.#engine?.dispose();
    this.#engine = null;
  }

  /** Coalesces several property changes made in one task into one pricing pass. */
  #schedule() {
    if (this.#pending || !this.isConnected) return;
    this.#pending = true;
    queueMicrotask(() => {
      this.#pending = false;
      this.#reprice().catch((error) => this.#renderFailure(error));
    });
  }

  async #loadInstance() {
    if (this.#instance) return this.#instance;
    const packageUrl = this.getAttribute("package");
    if (!packageUrl) throw new Error('set the "package" attribute to the URL of cartcore/js/cartcore.mjs');
    this.#loading ??= import(new URL(packageUrl, document.baseURI).href).then((Cartcore) => {
      const wasm = this.getAttribute("wasm");
      return Cartcore.load(wasm ? { url: new URL(wasm, document.baseURI) } : {});
    });
    this.#instance = await this.#loading;
    return this.#instance;
  }

  async #engineReady() {
    if (this.#engine) return this.#engine;
    const instance = await this.#loadInstance();
    if (this.#configObject === null && this.#configSource) {
      const source = this.#configSource;
      const response = await fetch(new URL(source, document.baseURI));
      if (!response.ok) throw new Error(`could not fetch the store config ${source}: HTTP ${response.status}`);
      const text = await response.text();
      if (this.#configSource !== source) return null; // replaced meanwhile
      this.#configObject = JSON.parse(text);
    }
    if (this.#configObject === null) return null;
    this.#engine ??= instance.compile(this.#configObject);
    return this.#engine;
  }

  /** The language the widget speaks: its own lang, else the nearest ancestor's (the page's). */
  #language() {
    return languageTag(this.closest("[lang]")?.getAttribute("lang"));
  }

  /** Labels in the quote's language, else the widget's own language, else English. */
  #labels(quote = null) {
    const primary = (quote?.locale ?? this.#language() ?? "en").split("-")[0].toLowerCase();
    return LABELS[primary] ?? LABELS.en;
  }

  /**
   * The engine's request for the current cart: the browser's clock, the live stock, the engine's nudge list, the
   * widget's language, and the store currency unless the cart names a currency or a country (the engine maps a
   * country to a currency).
   */
  #request(engine) {
    const cart = this.#cart ?? { lines: [] };
    const currency = cart.currency === undefined && cart.country === undefined ? { currency: engine.currency } : {};
    const language = this.#language();
    const locale = language !== null && cart.locale === undefined ? { locale: language } : {};
    const request = { schemaVersion: 1, nudges: true, ...currency, ...locale, ...cart, now: new Date().toISOString() };
    const segments = this.getAttribute("segments");
    if (segments && !cart.customer) request.customer = { segments: segments.split(/\s+/).filter(Boolean) };
    if (this.#stock) request.stock = this.#stock;
    return request;
  }

  async #reprice() {
    const engine = await this.#engineReady();
    if (!engine || !this.isConnected) return;
    const request = this.#request(engine);
    const response = JSON.parse(engine.quoteJson(request));
    if (!response.ok) {
      this.#quote = null;
      this.#renderError(response.error);
      this.#emit("quote-error", { error: response.error, request });
      return;
    }
    this.#quote = response.quote;
    this.#render(response.quote);
    const { totals } = response.quote;
    this.#status.textContent = `${this.#labels(response.quote).total} ${money(totals.grandTotal ?? totals.total, response.quote.currency)}`;
    this.#emit("quote-updated", { quote: response.quote, request });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #setQuantity(lineId, quantity) {
    const lines = (this.#cart?.lines ?? []).map((line) => ((line.id ?? line.variant) === lineId ? { ...line, quantity } : line));
    this.#cart = { ...this.#cart, lines: lines.filter((line) => line.quantity > 0) };
    this.#emit("cart-change", { cart: this.#cart });
    this.#schedule();
  }

  #replaceBody(...children) {
    const focused = this.#root.activeElement?.dataset?.line; // keep keyboard focus on the edited line
    const body = element("div", { part: "body" }, ...children);
    this.#root.querySelector('[part="body"]').replaceWith(body);
    if (focused) body.querySelector(`input[data-line="${CSS.escape(focused)}"]`)?.focus();
  }

  #renderFailure(error) {
    this.#replaceBody(element("p", { class: "error", role: "alert", text: `${this.#labels().unavailable}: ${error?.message ?? error}` }));
    this.#emit("quote-error", { error: { code: error?.code ?? "widget_error", message: String(error?.message ?? error), pointer: error?.pointer ?? "" } });
  }

  #renderError(error) {
    this.#replaceBody(
      element("p", { class: "error", role: "alert", "data-error": error.code, text: `${this.#labels().cannotPrice}: ${error.message}` }),
    );
  }

  #render(quote) {
    const currency = quote.currency;
    const editable = this.hasAttribute("editable");
    const clamps = quote.margin?.clamps ?? quote.clamps ?? [];
    const t = this.#labels(quote);
    const heading = element("h2", { id: "cartcore-title", text: t.heading });

    const rows = quote.lines.map((line) => {
      const quantityCell = editable
        ? element("input", {
            type: "number",
            min: 0,
            max: 100000,
            step: 1,
            inputmode: "numeric",
            value: line.quantity,
            "data-line": line.id,
            "aria-label": t.quantityOf(line.name),
          })
        : element("span", { text: String(line.quantity) });
      const adjustments = element(
        "ul",
        { class: "adjustments", "aria-label": t.discountsOn(line.name) },
        line.adjustments.map((adjustment) =>
          element("li", { class: "saving", "data-adjustment": adjustment.id }, `${adjustment.name}: −${money(unsigned(adjustment.amount), currency)}`),
        ),
        // A discount the engine limited to keep the store's margin floor: shown as limited, in the engine's
        // words, which never state costs.
        clamps.filter((clamp) => clamp.line === line.id).map((clamp) => element("li", { class: "clamp", "data-clamp": line.id, text: clamp.message })),
      );
      const scarcity = line.lowStock
        ? element("span", { class: "scarcity", "data-low-stock": line.lowStock.remaining, text: t.left(line.lowStock.remaining) })
        : null;
      const discounted = line.total !== line.listTotal;
      return element(
        "tr",
        { "data-line": line.id },
        element("th", { scope: "row" }, element("span", { text: line.name }), element("br"), element("small", { text: line.sku }), scarcity ? element("br") : null, scarcity),
        element("td", { class: "num" }, quantityCell),
        element("td", { class: "num", text: money(line.listUnitPrice, currency) }),
        element("td", {}, line.adjustments.length || clamps.some((clamp) => clamp.line === line.id) ? adjustments : element("span", { class: "reasons", text: "—" })),
        element(
          "td",
          { class: "num", "data-line-total": line.total },
          discounted ? element("span", { class: "was", "aria-label": t.was(money(line.listTotal, currency)), text: money(line.listTotal, currency) }) : null,
          element("span", { text: money(line.total, currency) }),
        ),
      );
    });
    const table = element(
      "table",
      { part: "lines" },
      element("caption", { text: t.items(quote.lines.length) }),
      element(
        "thead",
        {},
        element("tr", {}, [t.item, t.qty, t.price, t.discounts, t.total].map((label, i) => element("th", { scope: "col", class: i === 1 || i === 2 || i === 4 ? "num" : null, text: label }))),
      ),
      element("tbody", {}, rows),
    );
    if (editable) {
      table.addEventListener("change", (event) => {
        const input = event.target;
        if (!(input instanceof HTMLInputElement) || !input.dataset.line) return;
        const quantity = Number.parseInt(input.value, 10);
        if (Number.isInteger(quantity) && quantity >= 0) this.#setQuantity(input.dataset.line, quantity);
      });
    }

    // A quote at a lower explain level lists less (docs/FORMAT.md "Explain levels"): absent lists are empty here.
    const applied = [...(quote.priceRules?.applied ?? []), ...(quote.promotions?.applied ?? [])];
    const notApplied = [...(quote.priceRules?.notApplied ?? []), ...(quote.promotions?.notApplied ?? [])];
    // Offers within reach. A quote that carries the engine's own `nudges` list says which to show; otherwise
    // every offer the engine reports with an amount or quantity still needed is one, in the engine's sentence.
    const nameOf = (id) => [...applied, ...notApplied].find((p) => p.id === id)?.name ?? "";
    const nudges = Array.isArray(quote.nudges)
      ? quote.nudges.map((n) => ({ id: n.id, name: nameOf(n.id), message: n.message }))
      : notApplied.filter((p) => p.amountNeeded !== undefined || p.quantityNeeded !== undefined).map((p) => ({ id: p.id, name: p.name, message: p.message }));
    const otherReasons = notApplied.filter((p) => !nudges.some((n) => n.id === p.id));

    const section = (title, className, items, render) =>
      items.length
        ? [element("h3", { text: title }), element("ul", { class: className, "aria-label": title }, items.map(render))]
        : [];

    this.#replaceBody(
      element(
        "section",
        { "aria-labelledby": "cartcore-title", lang: quote.locale ?? null },
        heading,
        table,
        section(t.applied, "applied", applied, (p) =>
          element("li", { class: "saving", "data-promotion": p.id, "data-reason": p.reason }, element("strong", { text: p.name }), `: ${p.message}`),
        ),
        section(t.nudges, "nudges", nudges, (n) =>
          element("li", { "data-nudge": n.id }, n.name ? element("strong", { text: n.name }) : null, `${n.name ? ": " : ""}${n.message}`),
        ),
        section(t.reasons, "reasons", otherReasons, (p) =>
          element("li", { "data-promotion": p.id, "data-reason": p.reason }, element("strong", { text: p.name }), `: ${p.message}`),
        ),
        section(t.codes, "coupons", quote.coupons ?? [], (c) =>
          element("li", { "data-coupon": c.code, "data-status": c.status }, element("strong", { text: c.code }), `: ${c.message}`),
        ),
        quote.freeShipping ? element("p", { class: "saving", "data-free-shipping": quote.freeShipping.promotion, text: t.freeShipping }) : null,
        element(
          "dl",
          { class: "totals", part: "totals" },
          element("dt", { text: t.subtotal }),
          element("dd", { "data-total": "listSubtotal", text: money(quote.totals.listSubtotal, currency) }),
          element("dt", { text: t.priceRuleSavings }),
          element("dd", { class: "saving", "data-total": "priceRuleSavings", text: `−${money(quote.totals.priceRuleSavings, currency)}` }),
          element("dt", { text: t.promotionSavings }),
          element("dd", { class: "saving", "data-total": "promotionSavings", text: `−${money(quote.totals.promotionSavings, currency)}` }),
          // With shipping or tax configured the engine adds them and a grand total; the items total stays "total".
          ...(quote.totals.grandTotal === undefined
            ? [element("dt", { class: "grand", text: t.total }), element("dd", { class: "grand", "data-total": "total", text: money(quote.totals.total, currency) })]
            : [
                element("dt", { text: t.itemsTotal }),
                element("dd", { "data-total": "total", text: money(quote.totals.total, currency) }),
                ...(quote.totals.shipping === undefined
                  ? []
                  : [element("dt", { text: quote.shipping?.name ? `${t.shipping} (${quote.shipping.name})` : t.shipping }), element("dd", { "data-total": "shipping", text: money(quote.totals.shipping, currency) })]),
                ...(quote.tax?.rates ?? []).flatMap((rate) => [
                  element("dt", { text: `${rate.name} (${rate.percent}%)${quote.tax.included ? `, ${t.included}` : ""}` }),
                  element("dd", { "data-tax": rate.id, text: money(rate.amount, currency) }),
                ]),
                element("dt", { class: "grand", text: t.total }),
                element("dd", { class: "grand", "data-total": "grandTotal", text: money(quote.totals.grandTotal, currency) }),
              ]),
        ),
      ),
    );
  }
}

if (!customElements.get("cartcore-breakdown")) customElements.define("cartcore-breakdown", CartcoreBreakdown);
