/**
 * Offsets completed above a partition's commit watermark, kept in the offset commit's metadata
 * (the technique of Confluent's Parallel Consumer): after a restart or rebalance they are not
 * processed again. Encoded as `v1:<base64url bitmap>`, bit i = watermark + i; the broker limits
 * metadata to 4096 bytes by default, so callers bound the window (MAX_WINDOW).
 */
export const MAX_WINDOW = 20_000;

export function encodeDone(watermark: bigint, done: Iterable<bigint>): string {
  let max = -1;
  const rel: number[] = [];
  for (const o of done) {
    const i = Number(o - watermark);
    if (i < 0) continue;
    if (i >= MAX_WINDOW) throw new Error(`completed offset ${o} is beyond the window of ${MAX_WINDOW}`);
    rel.push(i);
    if (i > max) max = i;
  }
  if (max < 0) return '';
  const bits = Buffer.alloc((max >> 3) + 1);
  for (const i of rel) bits[i >> 3]! |= 1 << (i & 7);
  return `v1:${bits.toString('base64url')}`;
}

export function decodeDone(watermark: bigint, metadata: string | null | undefined): Set<bigint> {
  const done = new Set<bigint>();
  if (!metadata?.startsWith('v1:')) return done;
  const bits = Buffer.from(metadata.slice(3), 'base64url');
  for (let byte = 0; byte < bits.length; byte++) {
    for (let bit = 0; bit < 8; bit++) if (bits[byte]! & (1 << bit)) done.add(watermark + BigInt(byte * 8 + bit));
  }
  return done;
}
