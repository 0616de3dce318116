import { InitialSchema1795910000000 } from './1795910000000-InitialSchema';

export const MIGRATIONS = [InitialSchema1795910000000];
