/** Wakes the settlement worker as soon as a payment is recorded, instead of waiting for its next tick. */
export abstract class SettlementSignal {
  abstract notifyPending(): void;
}
