// <sauda-product-import>: import from a store URL as a job: its progress live (the stream's
// `import` events, a slow poll as the fallback), then its counts and skipped pages, or why it failed.
import { html, css, nothing, type TemplateResult } from "lit";
import { customElement, state } from "lit/decorators.js";
import { styleMap } from "lit/directives/style-map.js";
import { ApiError, get, post } from "../api.js";
import { Base, errorBox } from "../base.js";
import { t, when } from "../i18n.js";
import type { ImportJob, ImportJobList } from "../types.js";

const IMPORTS = "/api/v1/products/imports";
const POLL_MS = 4000; // only while a job runs, in case a stream event was missed

/** Whether `next` is newer news than `shown` (a late poll must not undo a stream event). */
function newer(shown: ImportJob | null, next: ImportJob): boolean {
  if (!shown) return true;
  if (shown.import_id !== next.import_id) return next.started_at >= shown.started_at;
  if (shown.status !== "running") return next.status !== "running";
  return next.status !== "running" || next.pages_done >= shown.pages_done;
}

@customElement("sauda-product-import")
export class ProductImport extends Base {
  static styles = [Base.styles, css`
    form { margin-bottom: 0.5rem; }
    form label { flex: 1 1 16rem; }
    form input { width: 100%; }
    .bar { height: 0.8rem; background: #eef1f5; border-radius: 999px; overflow: hidden; margin: 0.5rem 0; }
    .bar > span { display: block; height: 100%; background: var(--brand, #0b6e4f); transition: width 0.3s; }
    .bar.unknown > span { width: 100%; opacity: 0.35; }
    .skipped { max-height: 16rem; overflow: auto; font-size: 0.88rem; }
    .skipped code, .url { overflow-wrap: anywhere; }
    @media (prefers-reduced-motion: reduce) { .bar > span { transition: none; } }
  `];

  @state() accessor job: ImportJob | null = null;
  @state() accessor error: unknown = null;
  @state() accessor starting = false;
  @state() accessor announcement = "";
  private poll = 0;

  constructor() {
    super();
    this.listen("sauda-import", (event) => this.show((event as CustomEvent<ImportJob>).detail));
  }

  connectedCallback(): void {
    super.connectedCallback();
    // Reopened while an import runs (or after one), the page shows it.
    get<ImportJobList>(`${IMPORTS}?limit=1`).then(
      (list) => { if (list.imports[0]) this.show(list.imports[0]); },
      (error: unknown) => { this.error = error; },
    );
  }

  disconnectedCallback(): void {
    window.clearTimeout(this.poll);
    super.disconnectedCallback();
  }

  private show(job: ImportJob): void {
    if (!newer(this.job, job)) return;
    const ended = this.job?.import_id === job.import_id && this.job.status === "running" && job.status !== "running";
    this.job = job;
    window.clearTimeout(this.poll);
    if (job.status === "running") {
      this.poll = window.setTimeout(() => void this.refresh(job.import_id), POLL_MS);
    }
    if (ended) {
      this.announcement = job.status === "done" ? t("importDone", { created: job.created, updated: job.updated }) : this.problem(job);
      this.dispatchEvent(new CustomEvent("sauda-imported", { bubbles: true, composed: true, detail: job }));
    }
  }

  private async refresh(id: string): Promise<void> {
    try {
      this.show(await get<ImportJob>(`${IMPORTS}/${id}`));
    } catch {
      if (this.job?.status === "running") this.poll = window.setTimeout(() => void this.refresh(id), POLL_MS);
    }
  }

  private async start(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const url = String(new FormData(event.target as HTMLFormElement).get("url")).trim();
    this.error = null;
    this.starting = true;
    try {
      this.show(await post<ImportJob>(IMPORTS, { url }));
      this.announcement = t("importStarted");
    } catch (error) {
      const running = error instanceof ApiError && error.code === "import_running" ? error.details?.import_id : null;
      // Another tab (or a store's script) started one: show that one instead of a refusal.
      if (typeof running === "string") await this.refresh(running);
      else this.error = error;
    } finally {
      this.starting = false;
    }
  }

  private problem(job: ImportJob): string {
    return job.status === "interrupted" ? t("importInterrupted") : t("importFailed", { message: job.error?.message ?? "" });
  }

  private progress(job: ImportJob): TemplateResult {
    const total = job.pages_total;
    const text = total === null ? t("pagesRead", { done: job.pages_done }) : t("pagesOf", { done: job.pages_done, total });
    // Set through the CSSOM (styleMap), which the page's CSP (style-src 'self') allows.
    const share = total ? Math.min(100, Math.round((job.pages_done / total) * 100)) : 100;
    return html`<div data-testid="import-progress">
      <p class="muted url">${t("importing", { url: job.url })}</p>
      <div class="bar ${total === null ? "unknown" : ""}" role="progressbar" aria-label=${t("importProgress")}
        aria-valuemin="0" aria-valuemax=${total ?? nothing} aria-valuenow=${total === null ? nothing : job.pages_done}
        aria-valuetext=${text} data-testid="import-bar"><span style=${styleMap({ width: `${share}%` })}></span></div>
      <p data-testid="import-pages">${text}</p>
    </div>`;
  }

  private report(job: ImportJob): TemplateResult {
    const facts = { unchanged: job.unchanged, pages: job.pages_done, when: when(job.finished_at) };
    return html`<div data-testid="import-report">
      <p class="ok">${t("importDone", { created: job.created, updated: job.updated })}</p>
      <p class="muted">${t("importFacts", facts)}</p>
      ${job.skipped.length ? html`<h3>${t("skipped")} (${job.skipped.length})</h3>
        <ul class="plain skipped" data-testid="import-skipped">${job.skipped.map((s) => html`<li><code>${s.url}</code>: ${s.reason}</li>`)}</ul>` : nothing}
    </div>`;
  }

  private state(job: ImportJob): TemplateResult {
    if (job.status === "running") return this.progress(job);
    if (job.status === "done") return this.report(job);
    return html`<p class="error" data-testid="import-failed" data-status=${job.status}>${this.problem(job)}</p>`;
  }

  render() {
    const running = this.job?.status === "running";
    return html`<section class="card" aria-labelledby="import-h">
      <h2 id="import-h">${t("importFrom")}</h2>
      <form class="row" @submit=${this.start}>
        <label>${t("storeUrl")}<input name="url" type="url" required placeholder="https://" data-testid="import-url"></label>
        <button class="primary" ?disabled=${running || this.starting} data-testid="import-start">${t("importFrom")}</button>
      </form>
      ${errorBox(this.error, "import-error")}
      <p class="sr-only" role="status">${this.announcement}</p>
      ${this.job ? this.state(this.job) : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "sauda-product-import": ProductImport;
  }
}
