import type { WrappedDataKey } from '../platform/crypto/envelope.ts';

/** A workspace's data key, wrapped (schemas/data-keys/DataKeyIssued.avsc). */
export type DataKeyIssued = { type: 'DataKeyIssued' } & WrappedDataKey;
export type DataKeyMessage = DataKeyIssued;
export const DATA_KEY_MESSAGE_TYPES = ['DataKeyIssued'] as const satisfies readonly DataKeyMessage['type'][];
