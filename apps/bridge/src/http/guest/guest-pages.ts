import { Bill, Money } from '@bridge/core';
import { formatMoney } from '@bridge/receipts';
import { Lang, escapeHtml, renderPage } from './html';

const TEXT = {
  ru: {
    items: 'Что в счёте',
    total: 'Итого',
    alreadyPaid: 'Уже оплачено',
    due: 'К оплате',
    pay: 'Оплатить',
    secure: 'Оплата картой или через СБП на защищённой странице Invoicebox.',
    noBillTitle: 'Открытого счёта нет',
    noBillText:
      'Для этого стола сейчас нет открытого счёта. Попросите счёт у официанта или обновите страницу через минуту.',
    refresh: 'Обновить',
    changedTitle: 'Счёт изменился',
    changedText: 'Пока вы смотрели счёт, в нём что-то поменялось. Проверьте новую сумму.',
    paidTitle: 'Счёт уже оплачен',
    paidText: 'Спасибо! Оплата получена, ничего больше платить не нужно.',
    chooseTitle: 'Выберите свой счёт',
    chooseText: 'На этом столе несколько открытых счетов.',
    unavailableTitle: 'Не получилось',
    unavailableText: 'Касса сейчас не отвечает. Попробуйте ещё раз через минуту или попросите официанта.',
    tooManyTitle: 'Слишком много запросов',
    tooManyText: 'Подождите немного и обновите страницу.',
    switchTo: 'English',
  },
  en: {
    items: 'Your order',
    total: 'Total',
    alreadyPaid: 'Already paid',
    due: 'Amount due',
    pay: 'Pay',
    secure: 'Pay by card or SBP on the secure Invoicebox page.',
    noBillTitle: 'No open bill',
    noBillText:
      'There is no open bill for this table right now. Ask your waiter for the bill, or refresh in a minute.',
    refresh: 'Refresh',
    changedTitle: 'The bill has changed',
    changedText: 'Something on the bill changed while you were looking at it. Please check the new amount.',
    paidTitle: 'This bill is already paid',
    paidText: 'Thank you! The payment has been received; there is nothing more to pay.',
    chooseTitle: 'Choose your bill',
    chooseText: 'There are several open bills at this table.',
    unavailableTitle: 'Something went wrong',
    unavailableText: 'The till is not answering right now. Please try again in a minute, or ask your waiter.',
    tooManyTitle: 'Too many requests',
    tooManyText: 'Please wait a little and refresh the page.',
    switchTo: 'Русский',
  },
} as const;

export interface GuestContext {
  lang: Lang;
  venue: string;
  /** The table page, without a query string. */
  path: string;
}

const STYLES = ['/assets/guest.css'];

function shell(ctx: GuestContext, title: string, content: string, billId?: string): string {
  const other: Lang = ctx.lang === 'ru' ? 'en' : 'ru';
  const query = new URLSearchParams({ lang: other, ...(billId ? { bill: billId } : {}) });
  const body =
    `<header class="top"><span class="venue">${escapeHtml(ctx.venue)}</span>` +
    `<a class="lang" href="${escapeHtml(`${ctx.path}?${query.toString()}`)}" hreflang="${other}">${TEXT[ctx.lang].switchTo}</a></header>` +
    `<main>${content}</main>`;
  return renderPage({ lang: ctx.lang, title, body, styles: STYLES });
}

function money(amount: Money, lang: Lang): string {
  return escapeHtml(formatMoney(amount, lang));
}

function payForm(ctx: GuestContext, bill: Bill): string {
  const t = TEXT[ctx.lang];
  return (
    `<form class="pay" method="post" action="${escapeHtml(`${ctx.path}/pay`)}">` +
    `<input type="hidden" name="bill" value="${escapeHtml(bill.id)}">` +
    `<input type="hidden" name="v" value="${escapeHtml(bill.fingerprint)}">` +
    `<input type="hidden" name="lang" value="${ctx.lang}">` +
    `<button type="submit" id="pay">${t.pay} ${money(bill.amountDue, ctx.lang)}</button>` +
    `<p class="note">${t.secure}</p></form>`
  );
}

function billSummary(ctx: GuestContext, bill: Bill): string {
  const t = TEXT[ctx.lang];
  const lines = bill.lines
    .map((line) => {
      const quantity = line.quantity.toDecimalString();
      return (
        `<li><span class="name">${escapeHtml(line.name)}` +
        `${quantity === '1' ? '' : ` <span class="qty">× ${escapeHtml(quantity)}</span>`}</span>` +
        `<span class="sum">${money(line.total, ctx.lang)}</span></li>`
      );
    })
    .join('');
  return (
    `<h2>${t.items}</h2><ul class="lines">${lines}</ul>` +
    `<dl class="totals"><div><dt>${t.total}</dt><dd id="total">${money(bill.total, ctx.lang)}</dd></div>` +
    (bill.paid.isPositive()
      ? `<div><dt>${t.alreadyPaid}</dt><dd id="paid">${money(bill.paid, ctx.lang)}</dd></div>`
      : '') +
    `<div class="due"><dt>${t.due}</dt><dd id="due">${money(bill.amountDue, ctx.lang)}</dd></div></dl>`
  );
}

export function billPage(ctx: GuestContext, bill: Bill): string {
  const content = `<h1>${escapeHtml(bill.label)}</h1>${billSummary(ctx, bill)}${payForm(ctx, bill)}`;
  return shell(ctx, `${bill.label} · ${ctx.venue}`, content, bill.id);
}

export function changedPage(ctx: GuestContext, bill: Bill): string {
  const t = TEXT[ctx.lang];
  const content =
    `<h1 class="changed">${t.changedTitle}</h1><p class="message">${t.changedText}</p>` +
    `<h2>${escapeHtml(bill.label)}</h2>${billSummary(ctx, bill)}${payForm(ctx, bill)}`;
  return shell(ctx, t.changedTitle, content, bill.id);
}

export function paidPage(ctx: GuestContext, bill: Bill): string {
  const t = TEXT[ctx.lang];
  const content = `<h1 class="paid">${t.paidTitle}</h1><p class="message">${escapeHtml(bill.label)}. ${t.paidText}</p>`;
  return shell(ctx, t.paidTitle, content);
}

export function noBillPage(ctx: GuestContext): string {
  const t = TEXT[ctx.lang];
  const content =
    `<h1 class="none">${t.noBillTitle}</h1><p class="message">${t.noBillText}</p>` +
    `<p><a class="button" href="${escapeHtml(`${ctx.path}?lang=${ctx.lang}`)}">${t.refresh}</a></p>`;
  return shell(ctx, t.noBillTitle, content);
}

export function choosePage(ctx: GuestContext, bills: Bill[]): string {
  const t = TEXT[ctx.lang];
  const items = bills
    .map((bill) => {
      const href = `${ctx.path}?${new URLSearchParams({ bill: bill.id, lang: ctx.lang }).toString()}`;
      return `<li><a class="button" href="${escapeHtml(href)}">${escapeHtml(bill.label)} · ${money(bill.amountDue, ctx.lang)}</a></li>`;
    })
    .join('');
  return shell(
    ctx,
    t.chooseTitle,
    `<h1>${t.chooseTitle}</h1><p class="message">${t.chooseText}</p><ul class="choose">${items}</ul>`,
  );
}

export function unavailablePage(ctx: GuestContext): string {
  const t = TEXT[ctx.lang];
  const content =
    `<h1 class="none">${t.unavailableTitle}</h1><p class="message">${t.unavailableText}</p>` +
    `<p><a class="button" href="${escapeHtml(`${ctx.path}?lang=${ctx.lang}`)}">${t.refresh}</a></p>`;
  return shell(ctx, t.unavailableTitle, content);
}

export function tooManyPage(lang: Lang): string {
  const t = TEXT[lang];
  return renderPage({
    lang,
    title: t.tooManyTitle,
    styles: STYLES,
    body: `<main><h1>${t.tooManyTitle}</h1><p class="message">${t.tooManyText}</p></main>`,
  });
}
