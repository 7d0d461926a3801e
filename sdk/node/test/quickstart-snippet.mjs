// The quickstart's (003) Node verification snippet, verbatim (sdk/node/test/vectors.unit.spec.ts runs it over the vectors).
import crypto from "node:crypto";
export function verifyWebhook(secret, signatureHeader, timestampHeader, rawBody) {
const expected = "v1=" + crypto
.createHmac("sha256", secret)
.update(`${timestampHeader}.${rawBody}`)
.digest("hex");
return crypto.timingSafeEqual(
Buffer.from(signatureHeader),
Buffer.from(expected),
);
}
