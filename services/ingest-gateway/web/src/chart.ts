// <sauda-bar-chart>: Chart.js bars on a canvas, only the pieces registered here are bundled.
// Chart.js sizes its canvas through the CSSOM (element.style), which a CSP without 'unsafe-inline'
// allows; it injects no <style> element and no style attribute.
import { html, css, type PropertyValues } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { Base } from "./base.js";
import { lang } from "./i18n.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series { label: string; color: string; values: number[] }

@customElement("sauda-bar-chart")
export class BarChart extends Base {
  static styles = [Base.styles, css`
    .frame { position: relative; height: 260px; width: 100%; }
    @media (max-width: 720px) { .frame { height: 220px; } }
  `];

  @property({ attribute: false }) accessor labels: string[] = [];
  @property({ attribute: false }) accessor series: Series[] = [];
  @property({ type: Boolean }) accessor stacked = false;
  /** The chart's text alternative; the page's table holds the same numbers. */
  @property() accessor summary = "";
  @query("canvas") accessor canvas!: HTMLCanvasElement;
  private chart: Chart<"bar"> | null = null;

  render() {
    return html`<div class="frame"><canvas role="img" aria-label=${this.summary} data-testid="chart-canvas"></canvas></div>`;
  }

  protected updated(changed: PropertyValues): void {
    super.updated(changed);
    const rtl = lang() === "ur";
    const data = {
      labels: this.labels,
      datasets: this.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderRadius: 3 })),
    };
    if (this.chart) this.chart.destroy();
    this.chart = new Chart(this.canvas, {
      type: "bar",
      data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: rtl ? "ur-PK" : "en-PK",
        scales: {
          x: { stacked: this.stacked, reverse: rtl, grid: { display: false } },
          y: { stacked: this.stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: "bottom", rtl }, tooltip: { rtl } },
      },
    });
  }

  disconnectedCallback(): void {
    this.chart?.destroy();
    this.chart = null;
    super.disconnectedCallback();
  }
}
