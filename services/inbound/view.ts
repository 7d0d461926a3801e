import { mapValue, secretFields } from './domain/config.ts';
import type { InboundState } from './domain/evolve.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A secret as the API shows it: never in full, only enough to tell which one is configured. */
export function mask(secret: string): string {
  return secret.length <= 8 ? '****' : `****${secret.slice(-4)}`;
}

/**
 * The public shape of an inbound endpoint: its receiver URL, and its sourceConfig with the
 * preset's secret fields masked (`open` unseals one to take its last characters).
 */
export function inboundView(s: InboundState, publicUrl: string, open: (sealed: string) => string) {
  const secret = secretFields(s.config.source);
  const stored = JSON.parse(s.config.sourceConfig) as Record<string, string | string[]>;
  const sourceConfig = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, secret.has(k) ? mapValue(v, (one) => mask(open(one))) : v]));
  return {
    id: s.inboundEndpointId, ...s.config, sourceConfig, url: receiverUrl(publicUrl, s.config.pathSuffix),
    version: s.version, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

export const receiverUrl = (publicUrl: string, pathSuffix: string) => `${publicUrl}/inbound/${pathSuffix}`;
