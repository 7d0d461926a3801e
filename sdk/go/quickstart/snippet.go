// Package quickstart holds the quickstart's (003) Go verification snippet, verbatim below the package line.
package quickstart

import (
"crypto/hmac"
"crypto/sha256"
"encoding/hex"
"fmt"
)
func VerifyWebhook(secret, signatureHeader, timestampHeader string, rawBody []byte) bool {
mac := hmac.New(sha256.New, []byte(secret))
fmt.Fprintf(mac, "%s.", timestampHeader)
mac.Write(rawBody)
expected := "v1=" + hex.EncodeToString(mac.Sum(nil))
return hmac.Equal([]byte(signatureHeader), []byte(expected))
}
