import { FiasSimHotelSeed } from './fias-hotel';

/**
 * A small hotel. Room 2781 with its sharer and the 138.50 telephone/room/minibar folio reproduces the
 * reference's examples (PL with a sharer, XR → three XI + XB BA13850).
 */
export const DEFAULT_FIAS_HOTEL_SEED: FiasSimHotelSeed = {
  reservations: [
    {
      reservation: '12345',
      room: '2781',
      guestName: 'Guest, Mr.',
      language: 'EA',
      arrival: '260610',
      departure: '260614',
      creditLimit: 5_000_000,
      items: [
        {
          window: 1,
          department: '327',
          description: 'Telephone',
          amount: 350,
          date: '260611',
          time: '124753',
        },
        {
          window: 1,
          department: '100',
          description: 'Room night',
          amount: 12_000,
          date: '260611',
          time: '020000',
        },
        {
          window: 2,
          department: '420',
          description: 'Minibar',
          amount: 1_500,
          date: '260611',
          time: '213000',
        },
      ],
    },
    {
      reservation: '12381',
      room: '2781',
      guestName: 'Sharer, Mr.',
      language: 'EA',
      arrival: '260610',
      departure: '260614',
    },
    {
      reservation: '12875',
      room: '2782',
      guestName: 'Garibaldi, Mr.',
      language: 'IT',
      vip: '2',
      arrival: '260609',
      departure: '260613',
      creditLimit: 2_000_000,
      items: [
        {
          window: 1,
          department: '9004',
          description: 'Deposit',
          amount: -300_000,
          date: '260609',
          time: '151500',
        },
        {
          window: 1,
          department: '100',
          description: 'Room night',
          amount: 450_000,
          date: '260610',
          time: '020000',
        },
        {
          window: 1,
          department: '100',
          description: 'Room night',
          amount: 450_000,
          date: '260611',
          time: '020000',
        },
        {
          window: 1,
          department: '200',
          description: 'Restaurant',
          amount: 235_000,
          date: '260611',
          time: '203512',
        },
        {
          window: 2,
          department: '420',
          description: 'Minibar',
          amount: 45_000,
          date: '260611',
          time: '230100',
        },
      ],
    },
    {
      reservation: '13001',
      room: '1204',
      guestName: 'Ivanova, Ms.',
      language: 'RU',
      arrival: '260610',
      departure: '260612',
      noPost: true,
      items: [
        { department: '100', description: 'Room night', amount: 380_000, date: '260611', time: '020000' },
      ],
    },
    {
      reservation: '13050',
      room: '1501',
      guestName: 'Petrov, Mr.',
      language: 'RU',
      arrival: '260607',
      departure: '260610',
      status: 'checked_out',
      items: [
        { department: '100', description: 'Room night', amount: 410_000, date: '260608', time: '020000' },
        { department: '9004', description: 'Card payment', amount: -410_000, date: '260610', time: '101500' },
      ],
    },
    {
      reservation: '13100',
      room: '1010',
      guestName: 'Smirnov, Mr.',
      language: 'RU',
      arrival: '260611',
      departure: '260615',
      creditLimit: 500_000,
      items: [
        { department: '100', description: 'Room night', amount: 450_000, date: '260611', time: '020000' },
      ],
    },
    {
      reservation: '13200',
      room: '1605',
      guestName: 'Kuznetsova, Ms.',
      language: 'RU',
      arrival: '260612',
      departure: '260616',
      status: 'expected',
    },
  ],
};

/** Hotel-side mapping (IFC8 config): which PM/SO values post to a payment transaction code. */
export interface FiasSimPaymentMapping {
  paymentMethods: readonly string[];
  salesOutlets?: readonly string[];
  departmentCode: string;
  description: string;
}

export const DEFAULT_FIAS_PAYMENT_MAPPING: FiasSimPaymentMapping = {
  paymentMethods: ['IBOX'],
  departmentCode: '9010',
  description: 'Online payment (Invoicebox)',
};
