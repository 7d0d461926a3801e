package quickstart

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The snippet checks no timestamp: it must match the mittr signature wherever the vectors say it is not bad.
func TestSnippetOverVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "vectors", "signatures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name       string
			Headers    map[string]string
			Secret     string
			BodyBase64 string
			Expected   map[string]struct{ Reason string }
		}
	}
	if err := json.Unmarshal(raw, &file); err != nil || len(file.Cases) == 0 {
		t.Fatal("no vectors", err)
	}
	for _, c := range file.Cases {
		body, _ := base64.StdEncoding.DecodeString(c.BodyBase64)
		got := VerifyWebhook(c.Secret, c.Headers["x-mittr-signature"], c.Headers["x-mittr-timestamp"], body)
		if want := c.Expected["mittr"].Reason != "bad_signature"; got != want {
			t.Errorf("%s: got %v, want %v", c.Name, got, want)
		}
	}
}
