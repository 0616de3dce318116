import {
  AbandonedLinkResolver,
  AcceptPaymentNotification,
  BillUpdater,
  InProcessJobLock,
  IssuePaymentLink,
  LinkCanceller,
  ProcessDueSettlements,
  ReceiveProviderNotification,
  ReconcileLinks,
  RefreshBill,
  ResolveSettlement,
  ResumeSitePostings,
  RetrySettlement,
  SettlePayment,
  SettlementPolicy,
  SiteProfile,
  SweepStuckSettlements,
  SyncSiteBills,
} from '@bridge/core';
import { aSite } from './builders/site.builder';
import { FakePaymentProvider } from './fakes/fake-payment-provider';
import { FakePos } from './fakes/fake-pos';
import { InMemoryStore } from './fakes/in-memory-store';
import { ManualClock } from './fakes/manual-clock';
import { CountingSettlementSignal, MapPosRegistry, MapProviderRegistry } from './fakes/registries';
import { StaticSiteDirectory } from './fakes/static-site-directory';

/** The core use cases wired to in-memory fakes, without Nest: for fast unit tests of the flows. */
export function createCoreTestbed(
  options: { site?: Partial<SiteProfile>; policy?: Partial<SettlementPolicy> } = {},
) {
  const site = aSite(options.site);
  const store = new InMemoryStore();
  const clock = new ManualClock();
  const pos = new FakePos(site.currency);
  const provider = new FakePaymentProvider(site.merchantId);
  const sites = new StaticSiteDirectory([site]);
  const posRegistry = new MapPosRegistry(new Map([[site.id, pos]]));
  const providers = new MapProviderRegistry(new Map([[site.id, provider]]));
  const signal = new CountingSettlementSignal();
  const jobLock = new InProcessJobLock();
  const policy = new SettlementPolicy({ baseDelayMs: 1_000, ...options.policy });

  const accept = new AcceptPaymentNotification(store, sites, clock, signal);
  const receive = new ReceiveProviderNotification(sites, providers, accept);
  const updater = new BillUpdater(store, clock);
  const canceller = new LinkCanceller(store, providers, clock, accept);
  const resolver = new AbandonedLinkResolver(store, providers, clock, canceller);
  const refresh = new RefreshBill(store, posRegistry, updater, canceller);
  const sync = new SyncSiteBills(store, posRegistry, updater, canceller, jobLock, clock);
  const issue = new IssuePaymentLink(store, sites, providers, clock, refresh, canceller, resolver);
  const settle = new SettlePayment(store, posRegistry, clock, policy);
  const processDue = new ProcessDueSettlements(store, clock, policy, settle, refresh);
  const reconcile = new ReconcileLinks(store, providers, clock, jobLock, canceller, resolver);
  const sweep = new SweepStuckSettlements(store, clock);
  const retry = new RetrySettlement(store, clock, signal);
  const resolve = new ResolveSettlement(store, clock);
  const resume = new ResumeSitePostings(store, clock, signal);

  return {
    site,
    store,
    clock,
    pos,
    provider,
    signal,
    policy,
    useCases: {
      accept,
      receive,
      refresh,
      sync,
      issue,
      settle,
      processDue,
      reconcile,
      sweep,
      retry,
      resolve,
      resume,
    },
  };
}

export type CoreTestbed = ReturnType<typeof createCoreTestbed>;
