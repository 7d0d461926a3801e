import type { BillingConfig } from '../../platform/config/config.ts';
import type { BillingProvider } from '../provider.ts';

/** The payment provider the configuration names; none: null (the routes answer from mittr's own state). */
export async function providerFor(config: BillingConfig): Promise<BillingProvider | null> {
  if (config.provider === 'none') return null;
  const { StripeProvider } = await import('./stripe.ts');
  return new StripeProvider({ secretKey: config.stripe.secretKey, apiBase: config.stripe.apiUrl, prices: config.stripe.prices });
}
