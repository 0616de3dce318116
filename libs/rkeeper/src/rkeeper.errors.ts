import { PosFailureReason } from '@bridge/core';

export const RKEEPER_UPSTREAM = 'rkeeper';

export type RkeeperClassifiedReason = Extract<
  PosFailureReason,
  'license' | 'locked' | 'amount_mismatch' | 'not_found' | 'bill_closed'
>;

export type RkeeperErrorPatterns = Record<RkeeperClassifiedReason, readonly RegExp[]>;

/** Strings are compiled case-insensitively, so patterns can come from the YAML config. */
export type RkeeperErrorPatternsInput = Partial<
  Record<RkeeperClassifiedReason, readonly (string | RegExp)[]>
>;

/** Checked in this order: the more specific texts first ("не закрыт" must not read as closed). */
export const RKEEPER_REASON_ORDER: readonly RkeeperClassifiedReason[] = [
  'license',
  'locked',
  'amount_mismatch',
  'not_found',
  'bill_closed',
];

/**
 * There is no list of XML ErrorText values (reference §1.2), so these are patterns over the texts seen in
 * samples and the usual cash-station messages, in Russian and English.
 */
export const DEFAULT_RKEEPER_ERROR_PATTERNS: RkeeperErrorPatterns = {
  license: [/лиценз/i, /licen[cs]e/i, /seqNumber/i],
  locked: [/заблокирован/i, /блокиров/i, /редактируется/i, /\blocked\b/i, /in use by/i, /being edited/i],
  amount_mismatch: [
    /сумм\S*[^.]*не (совпада|соответств|равн)/i,
    /не (совпада|соответств)\S*[^.]*сумм/i,
    /неверн\S* сумм/i,
    /сумм\S*[^.]*превыша/i,
    /превыша\S*[^.]*сумм/i,
    /(amount|sum)s?\b[^.]*(mismatch|does not match|not equal|exceed)/i,
  ],
  not_found: [
    /(заказ|визит)\S*[^.]*не найден/i,
    /не найден\S*[^.]*(заказ|визит)/i,
    /(order|visit)\b[^.]*not found/i,
    /no such order/i,
  ],
  bill_closed: [
    /(заказ|визит|чек)\S*[^.]*(?<!не\s)(закрыт|оплачен|завершен)/i,
    /(already|is) (closed|paid|finished)/i,
    /(order|visit)\b[^.]*(?<!not\s)(closed|paid)/i,
  ],
};

export function compileRkeeperErrorPatterns(input: RkeeperErrorPatternsInput = {}): RkeeperErrorPatterns {
  const compiled = { ...DEFAULT_RKEEPER_ERROR_PATTERNS };
  for (const reason of RKEEPER_REASON_ORDER) {
    const given = input[reason];
    if (given) compiled[reason] = given.map((p) => (typeof p === 'string' ? new RegExp(p, 'iu') : p));
  }
  return compiled;
}

export function classifyRkeeperError(
  errorText: string,
  patterns: RkeeperErrorPatterns = DEFAULT_RKEEPER_ERROR_PATTERNS,
): PosFailureReason {
  for (const reason of RKEEPER_REASON_ORDER) {
    if (patterns[reason].some((pattern) => pattern.test(errorText))) return reason;
  }
  return 'rejected';
}
