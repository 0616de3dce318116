import * as iconv from 'iconv-lite';
import { CharacterSet } from 'node-thermal-printer';

/** Code pages a site may configure for its printer. CP866 is what Russian-market thermal printers default to. */
export type CodePageName =
  'cp437' | 'cp850' | 'cp852' | 'cp855' | 'cp858' | 'cp866' | 'cp1125' | 'cp1251' | 'cp1252' | 'rk1048';

export interface CodePage {
  name: CodePageName;
  escPosNumber: number;
  encoding: string;
  characterSet: CharacterSet;
}

export const CODE_PAGES: Readonly<Record<CodePageName, CodePage>> = {
  cp437: { name: 'cp437', escPosNumber: 0, encoding: 'cp437', characterSet: CharacterSet.PC437_USA },
  cp850: { name: 'cp850', escPosNumber: 2, encoding: 'cp850', characterSet: CharacterSet.PC850_MULTILINGUAL },
  cp852: { name: 'cp852', escPosNumber: 18, encoding: 'cp852', characterSet: CharacterSet.PC852_LATIN2 },
  cp855: { name: 'cp855', escPosNumber: 34, encoding: 'cp855', characterSet: CharacterSet.PC855_CYRILLIC },
  cp858: { name: 'cp858', escPosNumber: 19, encoding: 'cp858', characterSet: CharacterSet.PC858_EURO },
  cp866: { name: 'cp866', escPosNumber: 17, encoding: 'cp866', characterSet: CharacterSet.PC866_CYRILLIC2 },
  cp1125: {
    name: 'cp1125',
    escPosNumber: 44,
    encoding: 'cp1125',
    characterSet: CharacterSet.PC1125_UKRANIAN,
  },
  cp1251: {
    name: 'cp1251',
    escPosNumber: 46,
    encoding: 'win1251',
    characterSet: CharacterSet.WPC1251_CYRILLIC,
  },
  cp1252: { name: 'cp1252', escPosNumber: 16, encoding: 'win1252', characterSet: CharacterSet.WPC1252 },
  rk1048: {
    name: 'rk1048',
    escPosNumber: 53,
    encoding: 'rk1048',
    characterSet: CharacterSet.KZ1048_KAZAKHSTAN,
  },
};

// Every table node-thermal-printer may switch to by itself when a character (say «) is missing from the page.
export const ESC_POS_CODE_TABLES: Readonly<Record<number, string>> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  13: 'cp857',
  14: 'cp737',
  15: 'iso-8859-7',
  16: 'win1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
  33: 'cp775',
  34: 'cp855',
  35: 'cp861',
  36: 'cp862',
  37: 'cp864',
  38: 'cp869',
  39: 'iso-8859-2',
  40: 'iso-8859-15',
  44: 'cp1125',
  45: 'win1250',
  46: 'win1251',
  47: 'win1253',
  48: 'win1254',
  49: 'win1255',
  50: 'win1256',
  51: 'win1257',
  52: 'win1258',
  53: 'rk1048',
};

export function isCodePageName(value: string): value is CodePageName {
  return Object.prototype.hasOwnProperty.call(CODE_PAGES, value);
}

/** True when every character survives a round trip through the encoding (iconv silently writes "?"). */
export function canEncode(text: string, encoding: string): boolean {
  return iconv.decode(iconv.encode(text, encoding), encoding) === text;
}
