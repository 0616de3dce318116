import { UpstreamProtocolError } from '@bridge/core';
import * as iconv from 'iconv-lite';
import { buildOrderChangeEvent, parseOrderChangeNotification } from './rkeeper.notification';
import { fixtureBytes } from './testing/fixtures';
import { buildXml } from './xml/xml-tree';

describe('parseOrderChangeNotification', () => {
  it('reads the order of an order-change event and ignores the event guid of the root', () => {
    expect(parseOrderChangeNotification(fixtureBytes('notify.order-changed.xml'))).toEqual([
      { guid: '{577FFA69-348A-41D7-810B-CF0A32489BE1}', version: 8 },
    ]);
  });

  it('finds nothing in a station start event', () => {
    expect(parseOrderChangeNotification(fixtureBytes('notify.started.xml'))).toEqual([]);
  });

  it('takes Order elements at any depth, any element with guid+version, one entry per order at its highest version', () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
      <Events guid="{EVENT}">
        <Item><order guid="{AAAA-1}" version="3"/></Item>
        <Order guid="{aaaa-1}" version="5"/>
        <Order guid="{AAAA-1}"/>
        <Changed guid="{BBBB-2}" version="1"/>
        <Order guid="{CCCC-3}"/>
        <Table guid="{NOT-AN-ORDER}"/>
      </Events>`;
    expect(parseOrderChangeNotification(body)).toEqual([
      { guid: '{aaaa-1}', version: 5 },
      { guid: '{BBBB-2}', version: 1 },
      { guid: '{CCCC-3}' },
    ]);
  });

  it('decodes a windows-1251 body', () => {
    const xml =
      '<?xml version="1.0" encoding="windows-1251"?><a name="Изменение"><Order guid="{X}" version="2"/></a>';
    expect(parseOrderChangeNotification(iconv.encode(xml, 'windows-1251'))).toEqual([
      { guid: '{X}', version: 2 },
    ]);
  });

  it('treats an empty body as no hint and refuses what is not XML', () => {
    expect(parseOrderChangeNotification('  ')).toEqual([]);
    expect(() => parseOrderChangeNotification('guid=123')).toThrow(UpstreamProtocolError);
    expect(() => parseOrderChangeNotification('<a><Order guid="{X}"></a>')).toThrow(UpstreamProtocolError);
  });

  it('parses what the simulator sends', () => {
    const event = buildOrderChangeEvent({
      restCode: '199990777',
      dateTime: '2024-05-17T19:05:00',
      seqNumber: 9,
      eventGuid: '{E}',
      station: { id: 15015, code: 1, name: 'Касса 1' },
      orders: [{ guid: '{O}', visit: 1, orderIdent: 256, version: 4 }],
    });
    expect(parseOrderChangeNotification(buildXml(event, 'utf-8'))).toEqual([{ guid: '{O}', version: 4 }]);
  });
});
