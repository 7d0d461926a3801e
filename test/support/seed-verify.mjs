// The quickstart's Node verification snippet, verbatim, run against a real delivery.
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
