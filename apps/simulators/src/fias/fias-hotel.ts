export type FiasSimReservationStatus = 'expected' | 'in_house' | 'checked_out';

export interface FiasSimFolioItemSeed {
  window?: number;
  department: string;
  description: string;
  /** Integer minor units; negative for payments/credits. */
  amount: number;
  date?: string;
  time?: string;
  display?: boolean;
}

export interface FiasSimReservationSeed {
  reservation: string;
  room: string;
  guestName: string;
  language?: string;
  vip?: string;
  arrival?: string;
  departure?: string;
  status?: FiasSimReservationStatus;
  noPost?: boolean;
  creditLimit?: number;
  items?: readonly FiasSimFolioItemSeed[];
}

export interface FiasSimHotelSeed {
  reservations: readonly FiasSimReservationSeed[];
}

export interface FiasSimFolioItem {
  readonly window: number;
  readonly department: string;
  readonly description: string;
  readonly amount: number;
  readonly date: string;
  readonly time: string;
  readonly display: boolean;
  readonly postingNumber?: number;
}

export interface FiasSimReservation {
  readonly reservation: string;
  room: string;
  guestName: string;
  language?: string;
  vip?: string;
  arrival?: string;
  departure?: string;
  status: FiasSimReservationStatus;
  noPost: boolean;
  creditLimit?: number;
  readonly items: FiasSimFolioItem[];
}

export interface FiasSimFolio {
  readonly reservation: string;
  readonly room: string;
  readonly guestName: string;
  readonly status: FiasSimReservationStatus;
  readonly noPost: boolean;
  readonly creditLimit?: number;
  readonly balance: number;
  readonly items: readonly FiasSimFolioItem[];
}

export class FiasSimulatorControlError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'FiasSimulatorControlError';
  }
}

export class FiasHotel {
  private readonly reservations = new Map<string, FiasSimReservation>();

  constructor(
    seed: FiasSimHotelSeed,
    private readonly stamp: () => { date: string; time: string },
  ) {
    for (const reservation of seed.reservations) this.add(reservation);
  }

  add(seed: FiasSimReservationSeed): FiasSimReservation {
    if (this.reservations.has(seed.reservation)) {
      throw new FiasSimulatorControlError(`Reservation ${seed.reservation} already exists`, 409);
    }
    const reservation: FiasSimReservation = {
      reservation: seed.reservation,
      room: seed.room,
      guestName: seed.guestName,
      language: seed.language,
      vip: seed.vip,
      arrival: seed.arrival,
      departure: seed.departure,
      status: seed.status ?? 'in_house',
      noPost: seed.noPost ?? false,
      creditLimit: seed.creditLimit,
      items: [],
    };
    this.reservations.set(seed.reservation, reservation);
    for (const item of seed.items ?? []) this.addItem(seed.reservation, item);
    return reservation;
  }

  get(reservation: string): FiasSimReservation {
    const found = this.reservations.get(reservation);
    if (!found) throw new FiasSimulatorControlError(`Unknown reservation ${reservation}`, 404);
    return found;
  }

  find(reservation: string): FiasSimReservation | undefined {
    return this.reservations.get(reservation);
  }

  all(): FiasSimReservation[] {
    return [...this.reservations.values()];
  }

  inHouse(): FiasSimReservation[] {
    return this.all().filter((r) => r.status === 'in_house');
  }

  /** In-house reservations of a room, the main guest (lowest reservation number) first. */
  inRoom(room: string): FiasSimReservation[] {
    return this.inHouse()
      .filter((r) => r.room === room)
      .sort((a, b) => a.reservation.localeCompare(b.reservation, 'en', { numeric: true }));
  }

  search(inquiry: string, max: number): FiasSimReservation[] {
    const byRoom = this.inRoom(inquiry);
    const matches =
      byRoom.length > 0
        ? byRoom
        : this.inHouse().filter((r) => r.guestName.toLowerCase().startsWith(inquiry.toLowerCase()));
    return matches.slice(0, max);
  }

  isSharer(reservation: FiasSimReservation): boolean {
    return this.inRoom(reservation.room).length > 1;
  }

  balance(reservation: string): number {
    return this.get(reservation).items.reduce((sum, item) => sum + item.amount, 0);
  }

  addItem(reservation: string, seed: FiasSimFolioItemSeed, postingNumber?: number): FiasSimFolioItem {
    if (!Number.isSafeInteger(seed.amount)) {
      throw new FiasSimulatorControlError('Folio item amount must be an integer of minor units');
    }
    const now = this.stamp();
    const item: FiasSimFolioItem = {
      window: seed.window ?? 1,
      department: seed.department,
      description: seed.description,
      amount: seed.amount,
      date: seed.date ?? now.date,
      time: seed.time ?? now.time,
      display: seed.display ?? true,
      postingNumber,
    };
    this.get(reservation).items.push(item);
    return item;
  }

  folio(reservation: string): FiasSimFolio {
    const r = this.get(reservation);
    return {
      reservation: r.reservation,
      room: r.room,
      guestName: r.guestName,
      status: r.status,
      noPost: r.noPost,
      creditLimit: r.creditLimit,
      balance: this.balance(reservation),
      items: [...r.items],
    };
  }
}
