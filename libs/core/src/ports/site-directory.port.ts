/** 54-FZ fields for the basket, from the site's config. */
export interface FiscalProfile {
  vatCode: string;
  itemType: string | number;
  paymentType: string;
  measure: string;
  measureCode: string;
}

export type SiteKind = 'rkeeper' | 'fias';

export interface SiteProfile {
  id: string;
  kind: SiteKind;
  name: string;
  currency: string;
  merchantId: string;
  fiscal: FiscalProfile;
  linkLifetimeMinutes: number;
  language: 'ru' | 'en';
  /** Refund money the POS/PMS could not take (overpayment, bill closed meanwhile) without asking a person. */
  autoRefundExcess: boolean;
}

export abstract class SiteDirectory {
  /** Throws SiteNotFoundError for an unknown id. */
  abstract get(siteId: string): SiteProfile;
  abstract list(): SiteProfile[];
}
