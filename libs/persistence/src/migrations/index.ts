import { InitialSchema1795910000000 } from './1795910000000-InitialSchema';
import { AlertOutbox1796200000000 } from './1796200000000-AlertOutbox';
import { ReconciliationReports1796500000000 } from './1796500000000-ReconciliationReports';
import { Counters1796600000000 } from './1796600000000-Counters';

export const MIGRATIONS = [
  InitialSchema1795910000000,
  AlertOutbox1796200000000,
  ReconciliationReports1796500000000,
  Counters1796600000000,
];
