package mittr

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type verdict struct {
	Valid  bool   `json:"valid"`
	Reason string `json:"reason"`
}

type vectorCase struct {
	Name         string             `json:"name"`
	Headers      map[string]string  `json:"headers"`
	Secret       string             `json:"secret"`
	BodyBase64   string             `json:"bodyBase64"`
	Now          int64              `json:"now"`
	ToleranceSec int64              `json:"toleranceSec"`
	Expected     map[string]verdict `json:"expected"`
}

// LoadVectors reads sdk/vectors/signatures.json (shared by the quickstart package's test).
func loadVectors(t *testing.T) []vectorCase {
	raw, err := os.ReadFile(filepath.Join("..", "vectors", "signatures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []vectorCase }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no vectors")
	}
	return file.Cases
}

var mittrHeaders = map[string]bool{"x-mittr-signature": true, "x-mittr-timestamp": true, "x-mittr-event-id": true}

func TestVectors(t *testing.T) {
	for _, c := range loadVectors(t) {
		body, _ := base64.StdEncoding.DecodeString(c.BodyBase64)
		for _, scheme := range []string{"mittr", "standard"} {
			h := http.Header{}
			for k, v := range c.Headers {
				if mittrHeaders[k] == (scheme == "mittr") {
					h.Set(k, v)
				}
			}
			got := Verify(c.Secret, h, body, Options{ToleranceSec: c.ToleranceSec, Now: time.Unix(c.Now, 0)})
			want := c.Expected[scheme]
			if got.Valid != want.Valid || got.Reason != want.Reason {
				t.Errorf("%s/%s: got %+v, want %+v", c.Name, scheme, got, want)
			}
		}
	}
}

func TestMissingHeaders(t *testing.T) {
	if got := Verify("x", http.Header{}, nil, Options{}); got.Valid || got.Reason != "missing_headers" {
		t.Errorf("got %+v", got)
	}
}
