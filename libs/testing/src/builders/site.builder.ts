import { SiteProfile } from '@bridge/core';

export function aSite(overrides: Partial<SiteProfile> = {}): SiteProfile {
  return {
    id: 'cafe-1',
    kind: 'rkeeper',
    name: 'Cafe on Nevsky',
    currency: 'RUB',
    merchantId: 'fake-merchant',
    fiscal: {
      vatCode: 'RUS_VAT20',
      itemType: 'service',
      paymentType: 'full_payment',
      measure: 'шт',
      measureCode: '796',
    },
    linkLifetimeMinutes: 180,
    language: 'ru',
    autoRefundExcess: false,
    ...overrides,
  };
}
