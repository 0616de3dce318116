import { setFlagsFromString } from 'node:v8';

/**
 * V8 lets the old generation grow to about four times the live heap before a full collection. The bridge
 * lives on ~50 MB, so under a burst of webhooks it would hold 250-300 MB of garbage; growing by half at a
 * time keeps the resident size under 200 MB for a few more incremental collections.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
