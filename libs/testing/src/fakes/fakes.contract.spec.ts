import { describePaymentProviderContract } from '../contracts/payment-provider.contract';
import { describePosAdapterContract } from '../contracts/pos-adapter.contract';
import { FakePaymentProvider } from './fake-payment-provider';
import { FakePos } from './fake-pos';

describePosAdapterContract('in-memory fake', async () => {
  const pos = new FakePos('RUB');
  return {
    adapter: pos,
    currency: 'RUB',
    openBill: async () =>
      pos.openOrder('5', [
        { name: 'Борщ', priceMinor: 45000, quantityMilli: 2000 },
        { name: 'Чай', priceMinor: 15050 },
      ]),
    changeBill: async (id) => pos.addLine(id, { name: 'Пирожок', priceMinor: 9000 }),
    closeAtPos: async (id) => pos.closeAtPos(id),
    dispose: async () => undefined,
  };
});

describePaymentProviderContract('in-memory fake', async () => {
  const provider = new FakePaymentProvider('fake-merchant');
  return {
    provider,
    merchantId: 'fake-merchant',
    currency: 'RUB',
    pay: async (id) => provider.pay(id),
    dispose: async () => undefined,
  };
});
