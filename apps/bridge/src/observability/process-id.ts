import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Names this process in settlement leases and job locks, so a dead process's work can be told apart. */
export const PROCESS_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
