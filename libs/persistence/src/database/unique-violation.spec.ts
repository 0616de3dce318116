import { DuplicateRecordError } from '@bridge/core';
import { QueryFailedError } from 'typeorm';
import { refusingDuplicates, violatedUniqueKey } from './unique-violation';

function failed(driverError: object): QueryFailedError {
  return new QueryFailedError('INSERT ...', [], Object.assign(new Error('driver'), driverError));
}

describe('violatedUniqueKey', () => {
  it('takes the constraint name PostgreSQL reports', () => {
    expect(violatedUniqueKey(failed({ code: '23505', constraint: 'ux_payment_links_live_bill' }))).toBe(
      'ux_payment_links_live_bill',
    );
  });

  it.each([
    ['payments.provider_order_id, payments.provider_status', 'uq_payments_provider_order_status'],
    ['payment_links.bill_id', 'ux_payment_links_live_bill'],
    ['bills.site_id, bills.external_id', 'uq_bills_site_external_id'],
    ['settlements.payment_id', 'uq_settlements_payment_id'],
    ['unknown.a, unknown.b', 'unknown(a,b)'],
  ])('names the key SQLite reports by columns: %s', (columns, name) => {
    const error = failed({
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      message: `UNIQUE constraint failed: ${columns}`,
    });

    expect(violatedUniqueKey(error)).toBe(name);
  });

  it('names a primary key violation', () => {
    const error = failed({
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      message: 'UNIQUE constraint failed: bills.id',
    });

    expect(violatedUniqueKey(error)).toBe('bills_pkey');
  });

  it('ignores every other failure', () => {
    expect(violatedUniqueKey(failed({ code: '23503', constraint: 'fk_payments_link' }))).toBeUndefined();
    expect(
      violatedUniqueKey(
        failed({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY', message: 'FOREIGN KEY constraint failed' }),
      ),
    ).toBeUndefined();
    expect(violatedUniqueKey(new Error('UNIQUE constraint failed: bills.id'))).toBeUndefined();
  });
});

describe('refusingDuplicates', () => {
  it('turns a unique violation into DuplicateRecordError with the cause kept', async () => {
    const cause = failed({ code: '23505', constraint: 'uq_settlements_payment_id' });

    const error: unknown = await refusingDuplicates('Settlement', () => Promise.reject(cause)).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(DuplicateRecordError);
    expect(error).toMatchObject({ constraint: 'uq_settlements_payment_id', code: 'STORE.DUPLICATE', cause });
  });

  it('passes other errors and results through untouched', async () => {
    const other = new Error('connection lost');

    await expect(refusingDuplicates('x', () => Promise.reject(other))).rejects.toBe(other);
    await expect(refusingDuplicates('x', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
