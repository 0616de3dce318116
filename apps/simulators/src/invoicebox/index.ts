export { startInvoiceboxSandbox, DEFAULT_SETTINGS } from './server';
export { ManualClock } from './clock';
export { TEST_NOTIFICATION_ID, signBody as signInvoiceboxNotification } from './notifier';
export { phpJsonEncode } from './wire';
export { ApiError as InvoiceboxSandboxApiError } from './wire';
export type { FieldError as InvoiceboxSandboxFieldError } from './wire';
export * from './types';
