import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rk7Envelope, readEnvelope } from '../rkeeper.mapper';
import { decodeXmlBody } from '../xml/encoding';
import { parseXml } from '../xml/xml-tree';

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(__dirname, '..', '__fixtures__', name));
}

export function fixtureEnvelope(name: string, contentType?: string): Rk7Envelope {
  return readEnvelope(parseXml(decodeXmlBody(fixtureBytes(name), contentType).text));
}
