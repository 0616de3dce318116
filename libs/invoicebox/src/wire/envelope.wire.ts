import { WireReader, WireShapeError, isWireObject } from './wire-reader';

export interface CollectionMetaData {
  totalCount?: number;
  pageSize?: number;
  page?: number;
}

export interface SuccessEnvelope<T> {
  data: T;
  extendedData: unknown;
  metaData?: CollectionMetaData;
}

export interface ErrorField {
  name: string;
  code: string;
  message: string;
}

export interface ErrorEnvelope {
  error: {
    message: string;
    code: string;
    fields?: ErrorField[];
  };
}

export function parseSuccessEnvelope<T>(
  body: unknown,
  data: (value: unknown, path: string) => T,
): SuccessEnvelope<T> {
  const reader = WireReader.of(body);
  if (!reader.has('data')) throw new WireShapeError('$.data', 'the success envelope member');
  const meta = reader.optionalObject('metaData');
  const envelope: SuccessEnvelope<T> = {
    data: data(reader.raw('data'), '$.data'),
    extendedData: reader.raw('extendedData'),
  };
  if (meta) {
    envelope.metaData = {
      totalCount: meta.optionalNumber('totalCount'),
      pageSize: meta.optionalNumber('pageSize'),
      page: meta.optionalNumber('page'),
    };
  }
  return envelope;
}

/** Lenient on purpose: an error body that does not fit still yields the HTTP status to the caller. */
export function parseErrorEnvelope(body: unknown): ErrorEnvelope | undefined {
  if (!isWireObject(body) || !isWireObject(body['error'])) return undefined;
  const error = body['error'];
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const fields = Array.isArray(error['fields'])
    ? error['fields'].filter(isWireObject).map((field) => ({
        name: text(field['name']),
        code: text(field['code']),
        message: text(field['message']),
      }))
    : undefined;
  return {
    error: { message: text(error['message']), code: text(error['code']), ...(fields ? { fields } : {}) },
  };
}

export function parseList<T>(
  item: (value: unknown, path: string) => T,
): (value: unknown, path: string) => T[] {
  return (value, path) => {
    if (!Array.isArray(value)) throw new WireShapeError(path, 'an array');
    return value.map((entry: unknown, index) => item(entry, `${path}[${index}]`));
  };
}
