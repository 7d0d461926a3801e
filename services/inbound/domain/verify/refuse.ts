import type { Refusal, Refused } from './types.ts';

export const refuse = (reason: Refusal, detail: string): Refused => ({ ok: false, reason, detail });
