// The dashboard's base elements: shared styles, window events while connected, a re-render when the
// language changes, and a Listing that loads from the API and reloads after each write.
import { LitElement, html, type CSSResultGroup, type TemplateResult } from "lit";
import { state } from "lit/decorators.js";
import { ApiError } from "./api.js";
import { shared } from "./styles.js";

export class Base extends LitElement {
  static styles: CSSResultGroup = [shared];

  private readonly listeners: [string, EventListener][] = [["sauda-lang", () => this.requestUpdate()]];

  /** Handle a window event (live orders, notices, routes) while this element is on the page. */
  protected listen(name: string, handler: EventListener): void {
    this.listeners.push([name, handler]);
  }

  connectedCallback(): void {
    super.connectedCallback();
    for (const [name, handler] of this.listeners) window.addEventListener(name, handler);
  }

  disconnectedCallback(): void {
    for (const [name, handler] of this.listeners) window.removeEventListener(name, handler);
    super.disconnectedCallback();
  }
}

/** An element showing what it loads from the API; each write reloads it, a refusal shows above. */
export class Listing extends Base {
  @state() accessor error: unknown = null;

  connectedCallback(): void {
    super.connectedCallback();
    void this.act(async () => undefined);
  }

  protected async load(): Promise<void> {}

  protected async act(work: () => Promise<unknown>): Promise<void> {
    this.error = null;
    try {
      await work();
      await this.load();
    } catch (error) {
      this.error = error;
    }
  }
}

/** The API's message for a refusal (the field named), or a generic one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.field ? `${error.message} (${error.field})` : error.message;
  return String(error);
}

export function errorBox(error: unknown, testid = "error"): TemplateResult | string {
  return error ? html`<p class="error" role="alert" data-testid=${testid}>${errorText(error)}</p>` : "";
}

export function list(text: string): string[] {
  return text.split(",").map((part) => part.trim()).filter(Boolean);
}

/** A submitted form, its default (a page load) prevented, and what it holds. */
export function submitted(event: SubmitEvent): [HTMLFormElement, FormData] {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  return [form, new FormData(form)];
}
