import { T0 } from '../testing/fixtures';
import { inboxEntryToDomain, inboxEntryToEntity } from './inbox.mapper';

describe('inbox mapper', () => {
  it('round-trips an entry and keeps the raw body byte for byte', () => {
    const entry = {
      siteId: 'cafe-1',
      channel: 'webhook' as const,
      providerOrderId: 'ibox-1',
      providerStatus: 'completed',
      receivedAt: T0,
      body: '{"id":"ibox-1","amount":570.50,"note":"Стол 5 \\u00e9"}\r\n',
    };

    const entity = inboxEntryToEntity(entry, 'row-1');

    expect(entity.id).toBe('row-1');
    expect(inboxEntryToDomain(entity)).toStrictEqual(entry);
  });
});
