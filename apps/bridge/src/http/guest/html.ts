import { Request } from 'express';

export type Lang = 'ru' | 'en';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** `?lang=` wins, then the browser's Accept-Language; Russian by default. */
export function pickLang(request: Request, query?: unknown): Lang {
  if (query === 'ru' || query === 'en') return query;
  const accepted = (request.headers['accept-language'] ?? '').toLowerCase();
  const en = accepted.indexOf('en');
  const ru = accepted.indexOf('ru');
  return en >= 0 && (ru < 0 || en < ru) ? 'en' : 'ru';
}

export interface PageOptions {
  lang: Lang;
  title: string;
  body: string;
  styles: string[];
  scripts?: string[];
  bodyClass?: string;
}

export function renderPage(options: PageOptions): string {
  const styles = options.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('');
  const scripts = (options.scripts ?? [])
    .map((src) => `<script src="${escapeHtml(src)}" defer></script>`)
    .join('');
  return (
    `<!doctype html><html lang="${options.lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer">` +
    `<title>${escapeHtml(options.title)}</title>${styles}${scripts}</head>` +
    `<body${options.bodyClass ? ` class="${escapeHtml(options.bodyClass)}"` : ''}>${options.body}</body></html>`
  );
}

/**
 * The CSP of the pages the bridge renders itself: only its own assets, no inline code. Stricter than the
 * global helmet default, which stays in force for everything else.
 */
export function pageCsp(options: { scripts: boolean; formTargets?: string[] }): string {
  return [
    "default-src 'none'",
    options.scripts ? "script-src 'self'" : "script-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    options.scripts ? "connect-src 'self'" : "connect-src 'none'",
    `form-action 'self'${(options.formTargets ?? []).map((t) => ` ${t}`).join('')}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
