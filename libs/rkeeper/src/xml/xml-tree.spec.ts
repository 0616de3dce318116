import { XmlSyntaxError, attr, buildXml, element, parseXml } from './xml-tree';

describe('xml tree', () => {
  it('round-trips attributes, children and text, entities included', () => {
    const root = element('A', { x: 'a & "b" <c>', n: 5, f: true, skip: undefined }, [
      element('B', {}, []),
      element('C', { y: '1' }),
    ]);
    const xml = buildXml(root, 'utf-8');
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<A x="a &amp; &quot;b&quot; &lt;c&gt;" n="5" f="1"><B/><C y="1"/></A>',
    );
    expect(parseXml(xml)).toEqual({
      name: 'A',
      attrs: { x: 'a & "b" <c>', n: '5', f: '1' },
      children: [
        { name: 'B', attrs: {}, children: [] },
        { name: 'C', attrs: { y: '1' }, children: [] },
      ],
    });
    expect(parseXml('<a> hi <b/></a>').text).toBe('hi');
  });

  it('looks attributes up case-insensitively as a fallback', () => {
    const el = parseXml('<Guest GuestLabel="1" ident="256"/>');
    expect(attr(el, 'guestLabel')).toBe('1');
    expect(attr(el, 'Ident')).toBe('256');
    expect(attr(el, 'missing')).toBeUndefined();
  });

  it('refuses broken documents, several roots and DOCTYPE', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a/><b/>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "yyyy">]><a t="&x;"/>')).toThrow(/DOCTYPE/);
  });
});
