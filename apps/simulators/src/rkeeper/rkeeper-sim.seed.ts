/** Reference data of the simulated restaurant. Money in kopecks. */

export interface SimRefItem {
  id: number;
  code: number;
  name: string;
  guid: string;
}

export type SimHall = SimRefItem;
export interface SimTable extends SimRefItem {
  hallId: number;
}
export interface SimCurrency extends SimRefItem {
  kind: 'cash' | 'card' | 'online';
}
export type SimReason = SimRefItem;
export interface SimEmployee extends SimRefItem {
  role: 'waiter' | 'cashier' | 'manager';
}
export interface SimStation extends SimRefItem {
  netName: string;
}
export interface SimModifier extends SimRefItem {
  price: number;
}
export interface SimMenuItem extends SimRefItem {
  price: number;
  category: string;
  modifierIds: number[];
}
export interface SimDiscountType extends SimRefItem {
  percent?: number;
  amount?: number;
}

export interface RkeeperSimulatorSeed {
  restaurant: SimRefItem & { restCode: string };
  halls: SimHall[];
  tables: SimTable[];
  currencies: SimCurrency[];
  reasons: SimReason[];
  employees: SimEmployee[];
  stations: SimStation[];
  modifiers: SimModifier[];
  menu: SimMenuItem[];
  discounts: SimDiscountType[];
}

let guidCounter = 0;
function seedGuid(prefix: number): string {
  guidCounter += 1;
  const tail = (prefix * 100_000 + guidCounter).toString(16).toUpperCase().padStart(12, '0');
  return `{5E3D0000-0000-4000-8000-${tail}}`;
}

function item(id: number, code: number, name: string): SimRefItem {
  return { id, code, name, guid: seedGuid(id) };
}

/** "Invoicebox" 1030240 mirrors the online currency ident in the reference's PayOrder example. */
export const INVOICEBOX_CURRENCY_ID = 1030240;
export const CASH_CURRENCY_ID = 1;
export const ONLINE_PREPAY_REASON_ID = 5;

export function defaultTables(count: number): SimTable[] {
  return Array.from({ length: count }, (_, i) => {
    const code = i + 1;
    const hallId = code <= Math.ceil(count * 0.65) ? 1 : code <= Math.ceil(count * 0.85) ? 2 : 3;
    return { ...item(1000 + code, code, `Стол ${code}`), hallId };
  });
}

const MODIFIERS: SimModifier[] = [
  { ...item(3001, 1, 'Сметана'), price: 4000 },
  { ...item(3002, 2, 'Сгущёнка'), price: 6000 },
  { ...item(3003, 3, 'Икра красная'), price: 45000 },
  { ...item(3004, 4, 'Лимон'), price: 3000 },
  { ...item(3005, 5, 'Мёд'), price: 5000 },
  { ...item(3006, 6, 'Сироп ванильный'), price: 5000 },
  { ...item(3007, 7, 'Молоко овсяное'), price: 6000 },
  { ...item(3008, 8, 'Соус перечный'), price: 9000 },
  { ...item(3009, 9, 'Прожарка medium rare'), price: 0 },
];

function dish(
  id: number,
  code: number,
  name: string,
  price: number,
  category: string,
  modifierIds: number[] = [],
): SimMenuItem {
  return { ...item(id, code, name), price, category, modifierIds };
}

const MENU: SimMenuItem[] = [
  dish(2101, 101, 'Салат «Цезарь» с курицей', 49000, 'Салаты'),
  dish(2102, 102, 'Салат «Оливье»', 39000, 'Салаты'),
  dish(2103, 103, 'Винегрет', 29000, 'Салаты'),
  dish(2104, 104, 'Сельдь под шубой', 35000, 'Салаты'),
  dish(2201, 201, 'Борщ с пампушками', 42000, 'Супы', [3001]),
  dish(2202, 202, 'Солянка мясная сборная', 45000, 'Супы', [3001, 3004]),
  dish(2203, 203, 'Уха по-фински', 52000, 'Супы'),
  dish(2204, 204, 'Щи из квашеной капусты', 36000, 'Супы', [3001]),
  dish(2301, 301, 'Пельмени домашние', 48000, 'Горячее', [3001]),
  dish(2302, 302, 'Бефстроганов с пюре', 62000, 'Горячее'),
  dish(2303, 303, 'Котлета по-киевски', 58000, 'Горячее'),
  dish(2304, 304, 'Судак на гриле', 74000, 'Горячее', [3004]),
  dish(2305, 305, 'Стейк рибай', 189000, 'Горячее', [3008, 3009]),
  dish(2306, 306, 'Вареники с картофелем', 39000, 'Горячее', [3001]),
  dish(2401, 401, 'Картофель по-деревенски', 22000, 'Гарниры'),
  dish(2402, 402, 'Гречка с грибами', 25000, 'Гарниры'),
  dish(2501, 501, 'Блины со сметаной', 29000, 'Десерты', [3002, 3003]),
  dish(2502, 502, 'Сырники', 34000, 'Десерты', [3001, 3002]),
  dish(2503, 503, 'Медовик', 32000, 'Десерты'),
  dish(2601, 601, 'Морс клюквенный 0,3', 15000, 'Напитки'),
  dish(2602, 602, 'Квас домашний 0,5', 18000, 'Напитки'),
  dish(2603, 603, 'Чай чёрный, чайник', 25000, 'Напитки', [3004, 3005]),
  dish(2604, 604, 'Капучино', 22000, 'Напитки', [3006, 3007]),
  dish(2701, 701, 'Водка «Белуга» 50 мл', 45000, 'Бар'),
  dish(2702, 702, 'Пиво разливное 0,5', 35000, 'Бар'),
];

export function defaultSeed(tableCount = 30): RkeeperSimulatorSeed {
  return {
    restaurant: { ...item(1, 1, 'Ресторан «Невский»'), restCode: '199990777' },
    halls: [item(1, 1, 'Основной зал'), item(2, 2, 'Веранда'), item(3, 3, 'VIP-зал')],
    tables: defaultTables(tableCount),
    currencies: [
      { ...item(CASH_CURRENCY_ID, 1, 'Наличные'), kind: 'cash' },
      { ...item(1030235, 2, 'Банковская карта'), kind: 'card' },
      { ...item(1030238, 3, 'СБП'), kind: 'online' },
      { ...item(INVOICEBOX_CURRENCY_ID, 4, 'Invoicebox'), kind: 'online' },
    ],
    reasons: [item(ONLINE_PREPAY_REASON_ID, 5, 'Онлайн-оплата гостем'), item(6, 6, 'Предоплата банкета')],
    employees: [
      { ...item(1000105, 5, 'Иванова Мария'), role: 'cashier' },
      { ...item(1000109, 9, 'Соколов Андрей'), role: 'manager' },
      { ...item(1000111, 11, 'Петров Алексей'), role: 'waiter' },
      { ...item(1000112, 12, 'Смирнова Ольга'), role: 'waiter' },
      { ...item(1000113, 13, 'Кузнецов Дмитрий'), role: 'waiter' },
    ],
    stations: [
      { ...item(15015, 1, 'Касса 1'), netName: 'CASH1' },
      { ...item(15016, 2, 'Бар'), netName: 'BAR1' },
      { ...item(15017, 3, 'Мобильный официант'), netName: 'MOBILE1' },
    ],
    modifiers: MODIFIERS,
    menu: MENU,
    discounts: [
      { ...item(4001, 1, 'Скидка 10%'), percent: 10 },
      { ...item(4002, 2, 'Скидка сотрудникам 20%'), percent: 20 },
      { ...item(4003, 3, 'Комплимент 300 ₽'), amount: 30000 },
    ],
  };
}
