import {
  Attention,
  BillDetails,
  FloorEntry,
  Money,
  SiteProfile,
  StoredAuditEvent,
  refundableExcess,
} from '@bridge/core';
import { formatMoney } from '@bridge/receipts';
import { SiteHealthState } from '../../sites/site-health';
import { Lang, escapeHtml as e, renderPage } from '../guest/html';
import { DashboardText, dashboardText } from './dashboard-text';

const STYLES = ['/assets/dashboard.css'];

function money(amount: Money, lang: Lang): string {
  return e(formatMoney(amount, lang));
}

function time(date: Date, lang: Lang): string {
  return e(
    date.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
      timeZone: 'Europe/Moscow',
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }),
  );
}

function reasonText(t: DashboardText, reason: string | undefined): string {
  if (!reason) return '';
  return e((t.reasons as Record<string, string>)[reason] ?? reason);
}

export function signInPage(lang: Lang, failed: boolean): string {
  const t = dashboardText(lang);
  const other: Lang = lang === 'ru' ? 'en' : 'ru';
  const body =
    `<main class="signin"><h1>${t.signInTitle}</h1><p>${t.signInHint}</p>` +
    (failed ? `<p class="error" role="alert">${t.wrongToken}</p>` : '') +
    `<form method="post" action="/dashboard/sign-in">` +
    `<label>${t.token} <input type="password" name="token" id="token" autocomplete="current-password" required></label>` +
    `<input type="hidden" name="lang" value="${lang}">` +
    `<button type="submit" id="sign-in">${t.signIn}</button></form>` +
    `<p><a href="/dashboard?lang=${other}">${other === 'en' ? 'English' : 'Русский'}</a></p></main>`;
  return renderPage({ lang, title: t.signInTitle, body, styles: STYLES });
}

export function dashboardPage(lang: Lang): string {
  const t = dashboardText(lang);
  const other: Lang = lang === 'ru' ? 'en' : 'ru';
  const section = (id: string, title: string, extra = '') =>
    `<section id="${id}-section" class="panel ${id}"><h2>${title}</h2>${extra}<div id="${id}" aria-live="polite"></div></section>`;
  const body =
    `<header class="top"><h1>POS Bridge</h1><nav>` +
    `<a href="/dashboard?lang=${other}" id="lang-switch">${other === 'en' ? 'English' : 'Русский'}</a>` +
    `<a href="/api/docs">${t.apiDocs}</a>` +
    `<form method="post" action="/dashboard/sign-out"><button type="submit" class="link">${t.signOut}</button></form>` +
    `</nav><span id="live" class="live" data-state="connecting"></span></header>` +
    `<div class="layout"><div class="main">` +
    section('floor', t.floor) +
    section('attention', t.attention) +
    section('latency', t.latency) +
    section('reconciliation', t.reconciliation) +
    `</div><aside id="detail-section" class="panel detail"><div id="detail"><p class="muted">${t.chooseBill}</p></div></aside></div>` +
    `<div id="toast" class="toast" role="status" aria-live="polite" hidden></div>`;
  return renderPage({
    lang,
    title: t.title,
    body,
    styles: STYLES,
    scripts: ['/assets/dashboard.js'],
    bodyClass: 'dashboard',
  });
}

export interface FloorSite {
  site: SiteProfile;
  health: SiteHealthState;
  printer: boolean;
  entries: FloorEntry[];
}

export function floorFragment(sites: FloorSite[], lang: Lang): string {
  const t = dashboardText(lang);
  return sites
    .map(({ site, health, entries }) => {
      const rows = entries
        .map(({ bill, status, payments }) => {
          const online = Money.sum(
            payments.map((p) => p.amount),
            bill.currency,
          );
          return (
            `<tr data-bill-id="${e(bill.id)}" data-action="open-bill" tabindex="0">` +
            `<td class="label">${e(bill.label)}</td>` +
            `<td class="status" data-status="${status}"><span class="badge ${status}">${e(t.board[status])}</span></td>` +
            `<td class="num">${money(bill.amountDue, lang)}</td>` +
            `<td class="num">${online.isPositive() ? money(online, lang) : ''}</td>` +
            `<td class="when">${time(bill.updatedAt, lang)}</td></tr>`
          );
        })
        .join('');
      const table = rows
        ? `<table class="floor-table"><thead><tr><th>${t.table}</th><th>${t.status}</th><th>${t.due}</th><th>${t.paidOnline}</th><th>${t.updated}</th></tr></thead><tbody>${rows}</tbody></table>`
        : `<p class="muted">${t.noBills}</p>`;
      return (
        `<div class="site" data-site-id="${e(site.id)}"><h3>${e(site.name)} ` +
        `<span class="health ${health.status}" data-health="${health.status}" title="${e(health.error?.message ?? '')}">${e(t.health[health.status])}</span></h3>${table}</div>`
      );
    })
    .join('');
}

function settlementActions(
  t: DashboardText,
  settlementId: string,
  paymentId: string | null,
  refundable: Money | null,
  lang: Lang,
): string {
  return (
    `<div class="actions">` +
    `<button type="button" data-action="retry" data-settlement="${e(settlementId)}">${t.retry}</button>` +
    (paymentId && refundable?.isPositive()
      ? `<button type="button" data-action="refund" data-payment="${e(paymentId)}">${t.refund} ${money(refundable, lang)}</button>`
      : '') +
    `<form class="resolve" data-action="resolve" data-settlement="${e(settlementId)}">` +
    `<input name="comment" minlength="3" maxlength="500" required placeholder="${t.comment}" aria-label="${t.comment}">` +
    `<button type="submit">${t.resolve}</button></form></div>`
  );
}

export function attentionFragment(attention: Attention, lang: Lang): string {
  const t = dashboardText(lang);
  if (attention.settlements.length === 0 && attention.payments.length === 0) {
    return `<p class="muted ok">${t.nothingNeedsAttention}</p>`;
  }
  const settlements = attention.settlements.map(({ settlement, payment, bill }) => {
    const refundable = payment ? refundableExcess(payment, settlement) : null;
    return (
      `<li class="attention-item" data-settlement-id="${e(settlement.id)}">` +
      `<a href="#" data-action="open-bill" data-bill-id="${e(settlement.billId)}">${e(bill?.label ?? settlement.billExternalId)}</a> · ` +
      `${money(settlement.amount, lang)} · <strong>${reasonText(t, settlement.attentionReason)}</strong>` +
      (settlement.lastError ? `<div class="error-text">${e(settlement.lastError.message)}</div>` : '') +
      settlementActions(t, settlement.id, payment?.id ?? null, refundable, lang) +
      `</li>`
    );
  });
  const payments = attention.payments.map(
    ({ payment, bill, refundable }) =>
      `<li class="attention-item" data-payment-id="${e(payment.id)}">` +
      `<a href="#" data-action="open-bill" data-bill-id="${e(payment.billId)}">${e(bill?.label ?? payment.billId)}</a> · ` +
      `<strong>${reasonText(t, 'overpaid')}</strong> · ${t.refundable}: ${money(refundable, lang)}` +
      `<div class="actions"><button type="button" data-action="refund" data-payment="${e(payment.id)}">${t.refund} ${money(refundable, lang)}</button></div></li>`,
  );
  return `<ul class="attention-list">${[...settlements, ...payments].join('')}</ul>`;
}

function eventSummary(event: StoredAuditEvent): string {
  const text = JSON.stringify(event.data);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function billFragment(
  details: BillDetails,
  site: SiteProfile,
  printer: boolean,
  lang: Lang,
  now: Date,
): string {
  const t = dashboardText(lang);
  const { bill } = details;
  const live = details.links.find((l) => l.isUsable(now));
  const items = bill.lines
    .map(
      (l) =>
        `<tr><td>${e(l.name)}</td><td class="num">${e(l.quantity.toDecimalString())}</td><td class="num">${money(l.total, lang)}</td></tr>`,
    )
    .join('');
  const qr = live
    ? `<figure class="qr-print" id="qr-print"><img id="qr-image" src="/api/v1/bills/${e(bill.id)}/qr.svg?link=${e(live.id)}" alt="${t.qr}" width="240" height="240">` +
      `<figcaption><strong>${e(site.name)}</strong><br>${e(bill.label)} · ${money(live.amount, lang)}</figcaption></figure>`
    : `<p class="muted">${t.noLink}</p>`;
  const settlementOf = (paymentId: string) =>
    details.settlements.find((s) => s.paymentId === paymentId) ?? null;
  const payments = details.payments
    .map((p) => {
      const refundable = refundableExcess(p, settlementOf(p.id));
      return (
        `<li data-payment-id="${e(p.id)}">${money(p.amount, lang)} · ${e(p.channel)} · ${e(p.status)}` +
        (refundable.isPositive()
          ? ` <button type="button" data-action="refund" data-payment="${e(p.id)}">${t.refund} ${money(refundable, lang)}</button>`
          : '') +
        `</li>`
      );
    })
    .join('');
  const settlements = details.settlements
    .map((s) => {
      const payment = details.payments.find((p) => p.id === s.paymentId) ?? null;
      return (
        `<li data-settlement-id="${e(s.id)}" data-status="${e(s.status)}">${money(s.amount, lang)} · ${e(s.status)}` +
        (s.attentionReason ? ` · ${reasonText(t, s.attentionReason)}` : '') +
        ` · ${t.attempts}: ${s.attempts}` +
        (s.resolutionNote ? `<div class="note">${e(s.resolvedBy ?? '')}: ${e(s.resolutionNote)}</div>` : '') +
        (s.status === 'needs_attention'
          ? settlementActions(
              t,
              s.id,
              payment?.id ?? null,
              payment ? refundableExcess(payment, s) : null,
              lang,
            )
          : '') +
        `</li>`
      );
    })
    .join('');
  const events = details.events
    .slice()
    .reverse()
    .map(
      (ev) =>
        `<li><time>${time(ev.at, lang)}</time> <code>${e(ev.type)}</code> <span class="data">${e(eventSummary(ev))}</span></li>`,
    )
    .join('');
  const tableQr = bill.tableCode
    ? `<a href="/api/v1/sites/${e(bill.siteId)}/tables/${encodeURIComponent(bill.tableCode)}/qr.svg" target="_blank" rel="noopener">${t.tableQr}</a>`
    : '';
  return (
    `<div class="bill" data-bill-id="${e(bill.id)}"><div class="bill-head"><h2>${e(bill.label)}</h2>` +
    `<button type="button" class="link" data-action="close-bill">${t.close}</button></div>` +
    `<p class="muted">${e(site.name)} · ${e(bill.status)} · v${e(bill.externalVersion)}</p>` +
    `<table class="items"><thead><tr><th>${t.items}</th><th></th><th></th></tr></thead><tbody>${items}</tbody></table>` +
    `<dl class="totals"><div><dt>${t.total}</dt><dd>${money(bill.total, lang)}</dd></div>` +
    `<div><dt>${t.paidAtPos}</dt><dd>${money(bill.paid, lang)}</dd></div>` +
    `<div><dt>${t.due}</dt><dd>${money(bill.amountDue, lang)}</dd></div></dl>` +
    `<h3>${t.qr}</h3>${qr}<div class="actions">` +
    (bill.status === 'open' && bill.amountDue.isPositive()
      ? `<button type="button" data-action="issue-link" data-bill="${e(bill.id)}">${t.issueLink}</button>`
      : '') +
    (live ? `<button type="button" data-action="print-qr">${t.printQr}</button>` : '') +
    (printer && bill.status === 'open' && bill.amountDue.isPositive()
      ? `<button type="button" data-action="print-slip" data-bill="${e(bill.id)}">${t.printSlip}</button>`
      : '') +
    `${tableQr}</div>` +
    (payments ? `<h3>${t.payments}</h3><ul class="payments">${payments}</ul>` : '') +
    (settlements ? `<h3>${t.settlements}</h3><ul class="settlements">${settlements}</ul>` : '') +
    `<h3>${t.events}</h3><ol class="events">${events}</ol></div>`
  );
}

export interface LatencySeries {
  from: Date;
  to: Date;
  points: Array<{ at: Date; latencyMs: number }>;
}

/** A server-drawn SVG scatter of notification → applied latency: no chart library, no inline script. */
export function latencyFragment(series: LatencySeries, lang: Lang): string {
  const t = dashboardText(lang);
  if (series.points.length === 0) return `<p class="muted">${t.noLatency}</p>`;
  const sorted = series.points.map((p) => p.latencyMs).sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const width = 640;
  const height = 180;
  const pad = 36;
  const span = Math.max(1, series.to.getTime() - series.from.getTime());
  const top = Math.max(1_000, sorted[sorted.length - 1]) * 1.1;
  const x = (at: Date) => pad + ((at.getTime() - series.from.getTime()) / span) * (width - 2 * pad);
  const y = (ms: number) => height - pad - (ms / top) * (height - 2 * pad);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const dots = series.points
    .map(
      (p) =>
        `<circle cx="${x(p.at).toFixed(1)}" cy="${y(p.latencyMs).toFixed(1)}" r="3" class="dot"><title>${seconds(p.latencyMs)}</title></circle>`,
    )
    .join('');
  const line = (ms: number, cls: string) =>
    `<line x1="${pad}" x2="${width - pad}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" class="${cls}"/>`;
  const hours = Math.round(span / 3_600_000);
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${t.latency}">` +
    `<line x1="${pad}" x2="${pad}" y1="${pad / 2}" y2="${height - pad}" class="axis"/>` +
    `<line x1="${pad}" x2="${width - pad}" y1="${height - pad}" y2="${height - pad}" class="axis"/>` +
    line(pick(0.5), 'p50') +
    line(pick(0.95), 'p95') +
    dots +
    `<text x="${pad}" y="${height - 10}" class="tick">-${hours} h</text>` +
    `<text x="${width - pad}" y="${height - 10}" class="tick end">${time(series.to, lang)}</text>` +
    `<text x="4" y="${(pad / 2 + 4).toFixed(0)}" class="tick">${seconds(top)}</text></svg>` +
    `<p class="summary" id="latency-summary">${t.samples}: ${sorted.length} · ${t.p50}: ${seconds(pick(0.5))} · ` +
    `${t.p95}: ${seconds(pick(0.95))} · ${t.max}: ${seconds(sorted[sorted.length - 1])}</p>`
  );
}

export function reconciliationFragment(
  reports: StoredAuditEvent[],
  sites: SiteProfile[],
  lang: Lang,
): string {
  const t = dashboardText(lang);
  const latest = sites
    .map((site) => ({ site, report: reports.find((r) => r.siteId === site.id) }))
    .filter((entry): entry is { site: SiteProfile; report: StoredAuditEvent } => entry.report !== undefined);
  if (latest.length === 0) return `<p class="muted">${t.noReport}</p>`;
  return latest
    .map(({ site, report }) => {
      const rows = Object.entries(report.data)
        .map(([key, value]) => {
          const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
          return `<div><dt>${e(key)}</dt><dd>${e(text.length > 200 ? `${text.slice(0, 197)}...` : text)}</dd></div>`;
        })
        .join('');
      return `<div class="report"><h3>${e(site.name)} · ${time(report.at, lang)}</h3><dl>${rows}</dl></div>`;
    })
    .join('');
}
