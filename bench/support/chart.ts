import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchHeadlessChromium } from '../../test/support/chromium';

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: ReadonlyArray<{ x: number; y: number }>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  xTicks: readonly number[];
  series: readonly Series[];
}

export interface BarGroup {
  label: string;
  bars: ReadonlyArray<{ label: string; value: number; color: string }>;
}

export interface BarChart {
  title: string;
  yLabel: string;
  groups: readonly BarGroup[];
  /** A horizontal line, e.g. a target. */
  marker?: { value: number; label: string };
}

const WIDTH = 520;
const HEIGHT = 340;
const PAD = { left: 60, right: 16, top: 40, bottom: 64 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  return [1, 2, 2.5, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value) ?? value;
}

function yAxis(max: number, label: string): string {
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + plotHeight * (1 - f);
    return `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>
      <text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${Math.round(max * f)}</text>`;
  });
  return `${ticks.join('')}<text transform="translate(14 ${PAD.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(label)}</text>`;
}

/** Log-2 x axis (concurrency doubles from point to point), linear y. */
function lineChartSvg(chart: LineChart): string {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const maxY = niceMax(Math.max(...chart.series.flatMap((s) => s.points.map((p) => p.y))));
  const logMin = Math.log2(Math.min(...chart.xTicks));
  const logMax = Math.log2(Math.max(...chart.xTicks));
  const xOf = (x: number) => PAD.left + ((Math.log2(x) - logMin) / (logMax - logMin || 1)) * plotWidth;
  const yOf = (y: number) => PAD.top + plotHeight * (1 - y / maxY);
  const lines = chart.series.map((s) => {
    const path = s.points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`)
      .join(' ');
    const dots = s.points
      .map((p) => `<circle cx="${xOf(p.x)}" cy="${yOf(p.y)}" r="3" fill="${s.color}"/>`)
      .join('');
    return `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2" ${s.dashed ? 'stroke-dasharray="5 4"' : ''}/>${dots}`;
  });
  const xTicks = chart.xTicks
    .map((x) => `<text x="${xOf(x)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${x}</text>`)
    .join('');
  const legend = chart.series
    .map(
      (s, i) =>
        `<g transform="translate(${PAD.left + (i % 2) * 220} ${HEIGHT - 12 + Math.floor(i / 2) * 14})">
          <line x1="0" x2="18" y1="-4" y2="-4" stroke="${s.color}" stroke-width="2" ${s.dashed ? 'stroke-dasharray="5 4"' : ''}/>
          <text x="24" y="0">${escape(s.label)}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT + 22}">
    <text x="${WIDTH / 2}" y="22" text-anchor="middle" class="title">${escape(chart.title)}</text>
    ${yAxis(maxY, chart.yLabel)}${xTicks}
    <text x="${PAD.left + plotWidth / 2}" y="${HEIGHT - PAD.bottom + 32}" text-anchor="middle">${escape(chart.xLabel)}</text>
    ${lines.join('')}${legend}</svg>`;
}

function barChartSvg(chart: BarChart): string {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const values = chart.groups.flatMap((g) => g.bars.map((b) => b.value));
  const maxY = niceMax(Math.max(...values, chart.marker?.value ?? 0));
  const yOf = (y: number) => PAD.top + plotHeight * (1 - y / maxY);
  const groupWidth = plotWidth / chart.groups.length;
  const bars = chart.groups.map((group, g) => {
    const barWidth = (groupWidth * 0.7) / group.bars.length;
    const x0 = PAD.left + g * groupWidth + groupWidth * 0.15;
    const rects = group.bars.map((bar, b) => {
      const x = x0 + b * barWidth;
      const y = yOf(bar.value);
      return `<rect x="${x}" y="${y}" width="${barWidth - 4}" height="${PAD.top + plotHeight - y}" fill="${bar.color}"/>
        <text x="${x + (barWidth - 4) / 2}" y="${y - 4}" text-anchor="middle">${Math.round(bar.value)}</text>
        <text x="${x + (barWidth - 4) / 2}" y="${PAD.top + plotHeight + 14}" text-anchor="middle">${escape(bar.label)}</text>`;
    });
    return `${rects.join('')}<text x="${PAD.left + g * groupWidth + groupWidth / 2}" y="${PAD.top + plotHeight + 32}" text-anchor="middle" class="group">${escape(group.label)}</text>`;
  });
  const marker = chart.marker
    ? `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${yOf(chart.marker.value)}" y2="${yOf(chart.marker.value)}" stroke="#c0392b" stroke-dasharray="6 4"/>
       <text x="${WIDTH - PAD.right}" y="${yOf(chart.marker.value) - 4}" text-anchor="end" fill="#c0392b">${escape(chart.marker.label)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT + 22}">
    <text x="${WIDTH / 2}" y="22" text-anchor="middle" class="title">${escape(chart.title)}</text>
    ${yAxis(maxY, chart.yLabel)}${bars.join('')}${marker}</svg>`;
}

/** Renders the charts side by side as one PNG, through Debian's Chromium (no browser download). */
export async function renderChartsPng(
  charts: ReadonlyArray<LineChart | BarChart>,
  caption: string,
  file: string,
): Promise<void> {
  const svgs = charts.map((chart) => ('series' in chart ? lineChartSvg(chart) : barChartSvg(chart)));
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; font: 12px sans-serif; background: #fff; }
    #charts { display: inline-block; padding: 8px; }
    .row { display: flex; gap: 8px; }
    text { font: 11px sans-serif; fill: #333; }
    text.title { font: bold 13px sans-serif; }
    text.group { font: bold 12px sans-serif; }
    p { margin: 4px 8px; color: #555; }
  </style></head><body><div id="charts"><div class="row">${svgs.join('')}</div><p>${escape(caption)}</p></div></body></html>`;
  const folder = mkdtempSync(join(tmpdir(), 'bench-charts-'));
  const page = join(folder, 'charts.html');
  writeFileSync(page, html);
  const browser = await launchHeadlessChromium();
  try {
    const tab = await browser.context.newPage();
    await tab.goto(`file://${page}`);
    await tab.locator('#charts').screenshot({ path: file });
  } finally {
    await browser.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
