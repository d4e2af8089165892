// <sauda-analytics>: orders per day by source, what became of them, the range's rates and a CSV.
import { html, css, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { get, query } from "../api.js";
import { Base, errorBox, submitted } from "../base.js";
import "../chart.js";
import { lang, t, word } from "../i18n.js";
import type { Analytics, AnalyticsDay, AnalyticsSummary } from "../types.js";

const SOURCE_COLORS: Record<string, string> = { ingest: "#1d4ed8", whatsapp: "#0f8a4b" };
const OUTCOMES = [
  ["confirmed", "#2563eb"], ["cancelled", "#b42318"], ["delivered", "#05603a"], ["returned", "#b54708"],
] as const;

type Figure = "percent" | "minutes";
// Each card: its title, the summary's figure, how it reads, and what shows while it is null.
const CARDS = [
  ["codRate", "cod_confirmation_rate", "percent", "codRateHelp", "noCodOrders"],
  ["cancelRate", "cancel_rate", "percent", "cancelRateHelp", "noOrdersYet"],
  ["medianAnswer", "median_minutes_to_answer", "minutes", "medianAnswerHelp", "noAnswersYet"],
  ["afterReminder", "answered_after_reminder_share", "percent", "afterReminderHelp", "noAnswersYet"],
  ["deliveredRate", "delivered_rate", "percent", "deliveredRateHelp", "noShippedYet"],
  ["returnedRate", "returned_rate", "percent", "returnedRateHelp", "noShippedYet"],
] as const;

const locale = () => (lang() === "ur" ? "ur-PK" : "en-PK");

function figure(value: number, kind: Figure): string {
  if (kind === "minutes") return t("minutesShort", { n: new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value) });
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value);
}

// A range's day (YYYY-MM-DD, the business's calendar) as a short label; UTC so it never shifts.
function day(date: string): string {
  return new Intl.DateTimeFormat(locale(), { month: "short", day: "numeric", timeZone: "UTC" })
    .format(new Date(`${date}T00:00:00Z`));
}

@customElement("sauda-analytics")
export class AnalyticsPage extends Base {
  static styles = [Base.styles, css`
    form.row { margin-bottom: 1rem; }
    .cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.75rem; margin-bottom: 1rem; }
    .value { font-size: 1.6rem; font-weight: 700; margin: 0.25rem 0; }
    .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 0.75rem; }
    .charts .card, .cards .card { margin: 0; min-width: 0; }
    h2 { margin-top: 0; }
    @media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
    @media (max-width: 720px) { .cards { grid-template-columns: 1fr 1fr; } .value { font-size: 1.3rem; } }
  `];

  @state() accessor report: Analytics | null = null;
  @state() accessor error: unknown = null;
  @state() accessor from = "";
  @state() accessor to = "";

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** The range's figures; with no range yet, the API's default (30 days to today, the business's calendar). */
  private async load(): Promise<void> {
    this.error = null;
    try {
      this.report = await get<Analytics>(`/api/v1/analytics${query({ from: this.from, to: this.to })}`);
      this.from = this.report.from_date;
      this.to = this.report.to_date;
    } catch (error) {
      this.error = error;
    }
  }

  private apply(event: SubmitEvent): void {
    const [, data] = submitted(event);
    this.from = String(data.get("from") ?? "");
    this.to = String(data.get("to") ?? "");
    void this.load();
  }

  render() {
    const report = this.report;
    return html`
      <h1>${t("analytics")}</h1>
      <form class="row" data-testid="analytics-range" @submit=${this.apply}>
        <label>${t("from")}<input type="date" name="from" data-testid="analytics-from" .value=${this.from} required></label>
        <label>${t("to")}<input type="date" name="to" data-testid="analytics-to" .value=${this.to} required></label>
        <button class="primary" type="submit" data-testid="analytics-apply">${t("show")}</button>
        ${report ? html`<a class="button" data-testid="analytics-csv" download
          href="/api/v1/analytics.csv${query({ from: report.from_date, to: report.to_date })}">${t("downloadCsv")}</a>` : nothing}
      </form>
      ${errorBox(this.error)}
      ${report ? this.figures(report) : html`<p class="muted">${t("loading")}</p>`}
    `;
  }

  private figures(report: Analytics) {
    const labels = report.days.map((d) => day(d.date));
    const sources = Object.keys(report.days[0]?.orders ?? SOURCE_COLORS);
    const bySource = sources.map((source) => ({
      label: word(source), color: SOURCE_COLORS[source] ?? "#5b6475", values: report.days.map((d) => d.orders[source] ?? 0),
    }));
    const outcomes = OUTCOMES.map(([key, color]) => ({ label: t(key), color, values: report.days.map((d) => d[key]) }));
    const range = { from: day(report.from_date), to: day(report.to_date) };
    const s = report.summary;
    return html`
      <section class="cards" aria-label=${t("summary")} data-testid="analytics-cards">${CARDS.map(([title, key, kind, help, empty]) => {
        const value = s[key];
        return html`<div class="card" data-testid="card-${key}" data-value=${value ?? ""}>
          <h2 class="muted">${t(title)}</h2>
          <p class="value" data-testid="card-value">${value === null ? "—" : figure(value, kind)}</p>
          <p class="muted">${value === null ? t(empty) : counts(key, s)}</p>
          <p class="muted">${t(help)}</p>
        </div>`;
      })}</section>
      <div class="charts">
        <section class="card"><h2>${t("ordersBySource")}</h2>
          <sauda-bar-chart data-testid="chart-sources" stacked .labels=${labels} .series=${bySource}
            summary=${t("ordersBySourceSummary", { ...range, n: s.orders })}></sauda-bar-chart></section>
        <section class="card"><h2>${t("outcomes")}</h2>
          <sauda-bar-chart data-testid="chart-outcomes" .labels=${labels} .series=${outcomes}
            summary=${t("outcomesSummary", { ...range, confirmed: sum(report.days, "confirmed"), cancelled: s.cancelled, delivered: s.delivered, returned: s.returned })}></sauda-bar-chart></section>
      </div>
      <div class="sr-only"><table data-testid="analytics-table">
        <caption>${t("daysTable", range)}</caption>
        <thead><tr><th scope="col">${t("date")}</th>${sources.map((source) => html`<th scope="col">${word(source)}</th>`)}
          <th scope="col">${t("total")}</th>${OUTCOMES.map(([key]) => html`<th scope="col">${t(key)}</th>`)}</tr></thead>
        <tbody>${report.days.map((d) => html`<tr data-testid="analytics-day" data-date=${d.date}>
          <th scope="row">${day(d.date)}</th>${sources.map((source) => html`<td data-source=${source}>${d.orders[source] ?? 0}</td>`)}
          <td data-testid="day-total">${d.total}</td>${OUTCOMES.map(([key]) => html`<td data-outcome=${key}>${d[key]}</td>`)}
        </tr>`)}</tbody>
      </table></div>
    `;
  }
}

function sum(days: readonly AnalyticsDay[], key: "confirmed"): number {
  return days.reduce((total, d) => total + d[key], 0);
}

// The counts behind a rate, e.g. "2 of 5 COD orders".
function counts(key: (typeof CARDS)[number][1], s: AnalyticsSummary): string {
  switch (key) {
    case "cod_confirmation_rate": return t("ofCod", { n: s.cod_confirmed, of: s.cod_orders });
    case "cancel_rate": return t("ofOrders", { n: s.cancelled, of: s.orders });
    case "median_minutes_to_answer": return t("answers", { n: s.answered });
    case "answered_after_reminder_share": return t("ofAnswers", { n: s.answered_after_reminder, of: s.answered });
    case "delivered_rate": return t("ofShipped", { n: s.delivered, of: s.shipped });
    case "returned_rate": return t("ofShipped", { n: s.returned, of: s.shipped });
  }
}
