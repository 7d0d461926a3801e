import { readFileSync } from 'node:fs';

/** sdk/vectors/signatures.json, typed (sdk/tools/write-vectors.ts writes it). */
export type Verdict = { valid: boolean; reason: 'ok' | 'bad_signature' | 'timestamp_out_of_tolerance' };
export type VectorCase = {
  name: string; why: string;
  signer: { secrets: string[]; eventId: string; timestamp: number; bodyBase64?: string };
  headers: Record<string, string>;
  secret: string; bodyBase64: string; now: number; toleranceSec: number;
  expected: { mittr: Verdict; standard: Verdict };
};

export const vectors = (): VectorCase[] =>
  (JSON.parse(readFileSync(new URL('./signatures.json', import.meta.url), 'utf8')) as { cases: VectorCase[] }).cases;

/** The body the signer signed (the presented one unless the case tampers with it), as text. */
export const signedBody = (c: VectorCase): string => Buffer.from(c.signer.bodyBase64 ?? c.bodyBase64, 'base64').toString('utf8');
