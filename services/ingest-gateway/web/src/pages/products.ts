// <sauda-products>: the catalog (add, edit, stock on/off), FAQs, and import from a store URL
// (<sauda-product-import>; the list reloads when an import ends).
import { html, css, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { del, get, patch, post } from "../api.js";
import { Base, Listing, errorBox, list, submitted } from "../base.js";
import { money, t } from "../i18n.js";
import "./product-import.js";

interface Product { product_id: string; name: string; price: number | string; currency: string; description: string | null; sku: string | null; in_stock: boolean; aliases: string[] }
interface Faq { faq_id: string; question: string; answer: string; keywords: string[] }

@customElement("sauda-products")
export class ProductsPage extends Listing {
  static styles = [Base.styles, css`
    form.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; align-items: end; }
    .wide { grid-column: 1 / -1; }
  `];

  @state() accessor products: Product[] = [];
  @state() accessor faqs: Faq[] = [];
  @state() accessor editing: Product | null = null;

  protected async load(): Promise<void> {
    const [products, faqs] = await Promise.all([
      get<{ products: Product[] }>("/api/v1/products?limit=200"),
      get<{ faqs: Faq[] }>("/api/v1/faqs?limit=200"),
    ]);
    this.products = products.products;
    this.faqs = faqs.faqs;
  }

  private saveProduct(event: SubmitEvent): Promise<void> {
    const [form, data] = submitted(event);
    const body = {
      name: String(data.get("name")).trim(),
      price: String(data.get("price")),
      currency: String(data.get("currency")).trim().toUpperCase(),
      sku: String(data.get("sku") ?? "").trim() || null,
      description: String(data.get("description") ?? "").trim() || null,
      aliases: list(String(data.get("aliases") ?? "")),
      in_stock: data.get("in_stock") === "on",
    };
    const editing = this.editing;
    return this.act(async () => {
      if (editing) await patch(`/api/v1/products/${editing.product_id}`, body);
      else await post("/api/v1/products", body);
      this.editing = null;
      form.reset();
    });
  }

  private saveFaq(event: SubmitEvent): Promise<void> {
    const [form, data] = submitted(event);
    return this.act(async () => {
      await post("/api/v1/faqs", { question: String(data.get("question")).trim(), answer: String(data.get("answer")).trim(),
        keywords: list(String(data.get("keywords") ?? "")) });
      form.reset();
    });
  }

  render() {
    const p = this.editing;
    return html`
      <h1>${t("products")}</h1>
      ${errorBox(this.error)}
      <sauda-product-import @sauda-imported=${() => this.act(async () => undefined)}></sauda-product-import>
      <section class="card" aria-labelledby="product-form-h">
        <h2 id="product-form-h">${p ? `${t("edit")}: ${p.name}` : t("add")}</h2>
        <form class="grid" @submit=${this.saveProduct} data-testid="product-form">
          <label>${t("name")}<input name="name" required .value=${p?.name ?? ""} data-testid="product-name"></label>
          <label>${t("price")}<input name="price" type="number" min="0" step="0.01" required .value=${String(p?.price ?? "")} data-testid="product-price"></label>
          <label>${t("currency")}<input name="currency" required maxlength="3" .value=${p?.currency ?? "PKR"} data-testid="product-currency"></label>
          <label>${t("sku")}<input name="sku" .value=${p?.sku ?? ""}></label>
          <label class="wide">${t("description")}<input name="description" .value=${p?.description ?? ""}></label>
          <label class="wide">${t("aliases")}<input name="aliases" .value=${(p?.aliases ?? []).join(", ")}></label>
          <label class="inline"><input type="checkbox" name="in_stock" .checked=${p?.in_stock ?? true}> ${t("inStock")}</label>
          <div class="row"><button class="primary" type="submit" data-testid="product-save">${t("save")}</button>
            ${p ? html`<button type="button" @click=${() => { this.editing = null; }}>${t("cancel")}</button>` : nothing}</div>
        </form>
      </section>
      <section class="card" aria-labelledby="list-h">
        <h2 id="list-h">${t("products")} (${this.products.length})</h2>
        ${this.products.length === 0 ? html`<p class="muted">${t("noProducts")}</p>` : html`
          <ul class="plain" data-testid="product-list">${this.products.map((item) => html`<li class="row" data-testid="product">
            <span class="wide"><strong>${item.name}</strong> · ${money(item.price, item.currency)} ${item.sku ? html`<span class="muted">${item.sku}</span>` : nothing}</span>
            <label class="inline"><input type="checkbox" .checked=${item.in_stock} data-testid="product-stock"
              @change=${(e: Event) => this.act(() => patch(`/api/v1/products/${item.product_id}`, { in_stock: (e.target as HTMLInputElement).checked }))}>
              ${item.in_stock ? t("inStock") : t("outOfStock")}</label>
            <button @click=${() => { this.editing = item; }} aria-label="${t("edit")} ${item.name}">${t("edit")}</button>
            <button class="danger" aria-label="${t("delete")} ${item.name}" @click=${() => this.act(() => del(`/api/v1/products/${item.product_id}`))}>${t("delete")}</button>
          </li>`)}</ul>`}
      </section>
      <section class="card" aria-labelledby="faq-h">
        <h2 id="faq-h">${t("faqs")}</h2>
        <ul class="plain" data-testid="faq-list">${this.faqs.map((f) => html`<li class="row"><span class="wide"><strong>${f.question}</strong><br>${f.answer}</span>
          <button class="danger" aria-label="${t("delete")} ${f.question}" @click=${() => this.act(() => del(`/api/v1/faqs/${f.faq_id}`))}>${t("delete")}</button></li>`)}</ul>
        <form class="grid gap-top" @submit=${this.saveFaq}>
          <label>${t("question")}<input name="question" required></label>
          <label>${t("answer")}<input name="answer" required></label>
          <label>${t("keywords")}<input name="keywords"></label>
          <button type="submit">${t("add")}</button>
        </form>
      </section>
    `;
  }
}
