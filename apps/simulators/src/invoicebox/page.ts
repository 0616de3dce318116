import { Money } from '@bridge/core';
import { exactToNumber } from './basket';
import { OrderRecord } from './state';
import { OrderStatus } from './types';

const SYMBOLS: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€', GBP: '£', CNY: '¥', UZS: 'сум' };

export const STATUS_MESSAGES: Record<OrderStatus, string> = {
  created: 'Заказ ожидает оплаты.',
  completed: 'Заказ уже оплачен.',
  canceled: 'Заказ отменён продавцом. Оплата невозможна.',
  expired: 'Срок оплаты заказа истёк. Оплата невозможна.',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function formatMoney(minor: number, currency: string): string {
  const [whole = '0', fraction = '00'] = Money.of(minor, currency).toDecimalString().split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${negative ? '-' : ''}${grouped},${fraction}\u00a0${SYMBOLS[currency] ?? currency}`;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2129}
main{max-width:480px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 8px}
table{width:100%;border-collapse:collapse;margin:12px 0}
td{padding:8px 0;border-bottom:1px solid #eceef1;vertical-align:top}
td.sum{text-align:right;white-space:nowrap;padding-left:8px}
.muted{color:#6b7280;font-size:14px}
.total{font-size:18px;font-weight:600;display:flex;justify-content:space-between}
button{width:100%;padding:14px;border:0;border-radius:10px;background:#0a7cff;color:#fff;font-size:17px;margin-top:16px}
.error{color:#b42318}
.ok{color:#067647}
</style>
</head>
<body><main><div class="card">
${body}
</div><p class="muted">Инвойсбокс — тестовая среда (песочница). Деньги не списываются.</p></main></body>
</html>`;
}

export function renderPaymentPage(containerId: string, orders: readonly OrderRecord[]): string {
  const payable = orders.filter((o) => o.status === 'created');
  const shown = payable.length > 0 ? payable : orders;
  const first = shown[0];
  if (!first) return renderMessagePage('Заказ не найден', 'Заказ не найден.', false);
  const currency = first.currencyId;
  const rows = shown
    .flatMap((order) => order.basketItems)
    .map((line) => {
      const name = typeof line.echo['name'] === 'string' ? line.echo['name'] : line.sku;
      const measure = typeof line.echo['measure'] === 'string' ? line.echo['measure'] : '';
      return `<tr><td>${escapeHtml(name)}<div class="muted">${exactToNumber(line.quantityExact)}\u00a0${escapeHtml(measure)} × ${formatMoney(line.amount, currency)}</div></td><td class="sum">${formatMoney(line.totalAmount, currency)}</td></tr>`;
    })
    .join('\n');
  const total = shown.reduce((sum, o) => sum + o.amount, 0);
  const vat = shown.reduce((sum, o) => sum + o.vatAmount, 0);
  const numbers = shown.map((o) => escapeHtml(o.merchantOrderIdVisible)).join(', ');
  const descriptions = shown.map((o) => `<p class="muted">${escapeHtml(o.description)}</p>`).join('');
  const action =
    payable.length > 0
      ? `<form method="post" action="/order/${escapeHtml(containerId)}/pay"><button type="submit">Оплатить</button></form>`
      : `<p class="error">${STATUS_MESSAGES[first.status]}</p>`;
  return layout(
    `Оплата заказа № ${numbers}`,
    `<h1>Оплата заказа № ${numbers}</h1>
${descriptions}
<table>
${rows}
</table>
<div class="total"><span>Итого к оплате</span><span>${formatMoney(total, currency)}</span></div>
<p class="muted">в т.ч. НДС: ${formatMoney(vat, currency)}</p>
${action}`,
  );
}

export function renderMessagePage(title: string, message: string, success: boolean, link?: string): string {
  const back = link ? `<p><a href="${escapeHtml(link)}">Вернуться в магазин</a></p>` : '';
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1><p class="${success ? 'ok' : 'error'}">${escapeHtml(message)}</p>${back}`,
  );
}
