import { PaymentLinkMessage } from '@bridge/core';
import { formatMoney } from '@bridge/receipts';

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
}

interface Section {
  greeting: string;
  lines: string[];
  pay: string;
  until: string;
  qr: string;
}

function russian(message: PaymentLinkMessage): Section {
  return {
    greeting: message.guestName ? `Здравствуйте, ${message.guestName}!` : 'Здравствуйте!',
    lines: [
      `Счёт: ${message.billLabel} (${message.siteName})`,
      `К оплате: ${formatMoney(message.amount, 'ru')}`,
    ],
    pay: 'Оплатить онлайн:',
    until: `Ссылка действует до ${message.expiresAt.toLocaleString('ru-RU', { dateStyle: 'short', timeStyle: 'short' })}.`,
    qr: 'QR-код для оплаты — в этом письме: наведите на него камеру телефона.',
  };
}

function english(message: PaymentLinkMessage): Section {
  return {
    greeting: message.guestName ? `Dear ${message.guestName},` : 'Hello,',
    lines: [
      `Bill: ${message.billLabel} (${message.siteName})`,
      `Amount due: ${formatMoney(message.amount, 'en')}`,
    ],
    pay: 'Pay online:',
    until: `The link is valid until ${message.expiresAt.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}.`,
    qr: 'The QR code in this e-mail opens the same page on a phone.',
  };
}

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Russian and English in one message, the site's language first; the QR is the inline image `cid`. */
export function composePaymentLinkEmail(message: PaymentLinkMessage, qrCid: string): ComposedEmail {
  const sections =
    message.language === 'en' ? [english(message), russian(message)] : [russian(message), english(message)];
  const url = message.paymentUrl;
  const text = sections
    .map((s) => [s.greeting, '', ...s.lines, '', s.pay, url, '', s.until, s.qr].join('\n'))
    .join('\n\n----------\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    ...sections.map(
      (s) =>
        `<p>${escape(s.greeting)}</p><p>${s.lines.map(escape).join('<br>')}</p>` +
        `<p>${escape(s.pay)} <a href="${escape(url)}">${escape(url)}</a></p><p>${escape(s.until)}</p>` +
        `<p>${escape(s.qr)}</p><hr>`,
    ),
    `<p><img src="cid:${escape(qrCid)}" alt="QR" width="240" height="240"></p>`,
    '</body></html>',
  ].join('\n');
  const subject =
    message.language === 'en'
      ? `Payment link / Ссылка на оплату: ${message.billLabel}`
      : `Ссылка на оплату / Payment link: ${message.billLabel}`;
  return { subject, text, html };
}
