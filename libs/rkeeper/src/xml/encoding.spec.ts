import * as iconv from 'iconv-lite';
import {
  UnsupportedCharsetError,
  charsetFromContentType,
  charsetFromXmlDeclaration,
  decodeXmlBody,
} from './encoding';

describe('XML body decoding', () => {
  const text = '<?xml version="1.0" encoding="windows-1251"?><r n="Стол 5"/>';

  it('reads the charset from Content-Type and from the XML declaration', () => {
    expect(charsetFromContentType('application/xml; charset="UTF-8"')).toBe('utf-8');
    expect(charsetFromContentType('application/xml')).toBeUndefined();
    expect(charsetFromXmlDeclaration(Buffer.from(text, 'latin1'))).toBe('windows-1251');
    expect(charsetFromXmlDeclaration(Buffer.from('\uFEFF<?xml version="1.0" encoding=\'UTF-8\'?><r/>'))).toBe(
      'utf-8',
    );
    expect(charsetFromXmlDeclaration(Buffer.from('<r/>'))).toBeUndefined();
  });

  it('decodes by the declaration when there is no HTTP charset, and defaults to UTF-8', () => {
    expect(decodeXmlBody(iconv.encode(text, 'windows-1251')).text).toBe(text);
    expect(decodeXmlBody(Buffer.from('<r n="Стол"/>', 'utf8'))).toEqual({
      text: '<r n="Стол"/>',
      charset: 'utf-8',
    });
  });

  it('lets the HTTP charset win over the declaration', () => {
    const mislabelled = '<?xml version="1.0" encoding="windows-1251"?><r n="Стол"/>';
    expect(decodeXmlBody(Buffer.from(mislabelled, 'utf8'), 'text/xml; charset=utf-8').text).toBe(mislabelled);
  });

  it('refuses an unknown charset', () => {
    expect(() => decodeXmlBody(Buffer.from('<r/>'), 'text/xml; charset=x-unknown')).toThrow(
      UnsupportedCharsetError,
    );
  });
});
