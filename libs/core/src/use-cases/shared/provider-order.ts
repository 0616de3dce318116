import { PaymentNotification, ProviderOrder } from '../../ports/payment-provider.port';

/** An order read from the provider carries the same facts as a notification about it. */
export function notificationFromOrder(order: ProviderOrder): PaymentNotification {
  return {
    providerOrderId: order.providerOrderId,
    merchantOrderId: order.merchantOrderId,
    merchantId: order.merchantId,
    status: order.status,
    rawStatus: order.rawStatus,
    amount: order.amount,
    paidAt: order.paidAt,
    isTest: false,
  };
}
