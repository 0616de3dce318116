import { PosFailureReason } from '@bridge/core';
import { classifyRkeeperError, compileRkeeperErrorPatterns } from './rkeeper.errors';

describe('classifyRkeeperError', () => {
  const cases: [string, PosFailureReason][] = [
    ['Заказ заблокирован на станции «Бар»', 'locked'],
    ['Заказ редактируется на другой станции', 'locked'],
    ['Order is locked by station BAR1', 'locked'],
    ['Заказ {577FFA69-348A-41D7-810B-CF0A32489BE1} не найден', 'not_found'],
    ['Не найден визит 543555', 'not_found'],
    ['Order not found', 'not_found'],
    ['Сумма оплаты 100.00 не совпадает с суммой к оплате 120.00', 'amount_mismatch'],
    ['Сумма предоплаты 50.00 превышает неоплаченную сумму заказа 40.00', 'amount_mismatch'],
    ['Неверная сумма платежа', 'amount_mismatch'],
    ['Payment amount does not match the amount due', 'amount_mismatch'],
    ['Визит 1159 закрыт!', 'bill_closed'],
    ['Заказ уже оплачен', 'bill_closed'],
    ['Order is already closed', 'bill_closed'],
    ['Ошибка лицензирования XML-интерфейса: seqNumber 3 уже использован', 'license'],
    ['No licence for XML SaveOrder', 'license'],
    ['Заказ не закрыт', 'rejected'],
    ['Неизвестная валюта: id=999', 'rejected'],
    ['Не указана причина внесения предоплаты', 'rejected'],
    ['', 'rejected'],
  ];

  it.each(cases)('%s → %s', (text, reason) => {
    expect(classifyRkeeperError(text)).toBe(reason);
  });

  it('takes site patterns from config strings, case-insensitively, in place of the defaults', () => {
    const patterns = compileRkeeperErrorPatterns({ locked: ['занят официантом'], bill_closed: [/^CLOSED$/] });
    expect(classifyRkeeperError('Стол ЗАНЯТ ОФИЦИАНТОМ', patterns)).toBe('locked');
    expect(classifyRkeeperError('Заказ заблокирован', patterns)).toBe('rejected');
    expect(classifyRkeeperError('CLOSED', patterns)).toBe('bill_closed');
    expect(classifyRkeeperError('Заказ 5 не найден', patterns)).toBe('not_found');
  });
});
