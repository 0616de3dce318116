import { Injectable } from '@nestjs/common';
import { SettlementSignal } from '@bridge/core';

/** Decouples "a payment was recorded" (core) from the worker that acts on it (scheduler). */
@Injectable()
export class SettlementSignalBus extends SettlementSignal {
  private readonly listeners = new Set<() => void>();

  notifyPending(): void {
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
