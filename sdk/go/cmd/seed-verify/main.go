// Command seed-verify runs the quickstart's Go snippet (package quickstart) as a program, so a test
// can check it against a real delivery: reads {secret, signature, timestamp, body} as JSON on stdin
// and prints valid or invalid.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/mittr/mittr/sdk/go/quickstart"
)

func main() {
	var args struct{ Secret, Signature, Timestamp, Body string }
	if err := json.NewDecoder(os.Stdin).Decode(&args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if quickstart.VerifyWebhook(args.Secret, args.Signature, args.Timestamp, []byte(args.Body)) {
		fmt.Println("valid")
	} else {
		fmt.Println("invalid")
	}
}
