// The quickstart's Go verification snippet, verbatim (VerifyWebhook), run against a real delivery:
// reads {secret, signature, timestamp, body} as JSON on stdin and prints valid or invalid.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
)

func VerifyWebhook(secret, signatureHeader, timestampHeader string, rawBody []byte) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%s.", timestampHeader)
	mac.Write(rawBody)
	expected := "v1=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(signatureHeader), []byte(expected))
}

func main() {
	var args struct{ Secret, Signature, Timestamp, Body string }
	if err := json.NewDecoder(os.Stdin).Decode(&args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if VerifyWebhook(args.Secret, args.Signature, args.Timestamp, []byte(args.Body)) {
		fmt.Println("valid")
	} else {
		fmt.Println("invalid")
	}
}
