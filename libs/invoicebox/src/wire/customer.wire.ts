import { WireReader, compact } from './wire-reader';

export interface Customer {
  type?: 'legal' | 'private';
  name?: string;
  phone?: string;
  email?: string;
  vatNumber?: string;
  taxRegistrationReasonCode?: string;
  registrationAddress?: string;
  countryId?: string;
}

/** Echoes carry `""` for an unset type (Bitrix sends empty strings); an odd value must not fail a read. */
function customerType(value: unknown): Customer['type'] {
  return value === 'legal' || value === 'private' ? value : undefined;
}

export function parseCustomer(value: unknown, path: string): Customer {
  const reader = WireReader.of(value, path);
  return compact<Customer>({
    type: customerType(reader.raw('type')),
    name: reader.optionalString('name'),
    phone: reader.optionalString('phone'),
    email: reader.optionalString('email'),
    vatNumber: reader.optionalString('vatNumber'),
    taxRegistrationReasonCode: reader.optionalString('taxRegistrationReasonCode'),
    registrationAddress: reader.optionalString('registrationAddress'),
    countryId: reader.optionalString('countryId'),
  });
}
