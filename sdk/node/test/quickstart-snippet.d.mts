/** The quickstart snippet's signature, so specs call it typed. */
export function verifyWebhook(secret: string, signatureHeader: string | undefined, timestampHeader: string | undefined, rawBody: string): boolean;
