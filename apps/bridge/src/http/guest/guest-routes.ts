/** Table codes as the POS names tables: short, no slashes or spaces, so the static URL stays clean. */
export const TABLE_CODE = /^[A-Za-z0-9._-]{1,32}$/;
export const SITE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** The URL a table's static QR encodes; null for a code that could never be a table. */
export function tableUrl(publicUrl: string, siteId: string, tableCode: string): string | null {
  if (!SITE_ID.test(siteId) || !TABLE_CODE.test(tableCode)) return null;
  return `${publicUrl.replace(/\/$/, '')}/t/${encodeURIComponent(siteId)}/${encodeURIComponent(tableCode)}`;
}
