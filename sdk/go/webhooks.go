// Package mittr verifies webhooks mittr signed, in both header schemes (X-Mittr-* and Standard
// Webhooks): the same rules as the Node SDK (sdk/node/src/webhooks.ts), held to
// sdk/vectors/signatures.json. Standard library only.
package mittr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultToleranceSec is how far a signed timestamp may be from now, either way.
const DefaultToleranceSec = 300

// Result is a verdict: Reason is ok, missing_headers, bad_signature or timestamp_out_of_tolerance.
type Result struct {
	Valid  bool
	Reason string
	Scheme string
}

// Options tune Verify; the zero value verifies either scheme against the real clock.
type Options struct {
	ToleranceSec int64
	Now          time.Time
	Scheme       string // "mittr", "standard" or "" (either)
}

var digits = regexp.MustCompile(`^\d+$`)

func sum(key []byte, prefix string, body []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(prefix))
	mac.Write(body)
	return mac.Sum(nil)
}

func standardKey(secret string) []byte {
	if strings.HasPrefix(secret, "whsec_") {
		if k, err := base64.StdEncoding.DecodeString(secret[6:]); err == nil {
			return k
		}
	}
	return []byte(secret)
}

func anyEqual(header, prefix, expected string) bool {
	for _, s := range strings.Split(header, " ") {
		if strings.HasPrefix(s, prefix) && hmac.Equal([]byte(s[len(prefix):]), []byte(expected)) {
			return true
		}
	}
	return false
}

func check(scheme, ts string, now, tolerance int64, matches func() bool) Result {
	if !digits.MatchString(ts) {
		return Result{false, "missing_headers", scheme}
	}
	if !matches() {
		return Result{false, "bad_signature", scheme}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || math.Abs(float64(now-t)) > float64(tolerance) {
		return Result{false, "timestamp_out_of_tolerance", scheme}
	}
	return Result{true, "ok", scheme}
}

// Verify judges a delivery's headers and raw body against the endpoint's secret.
func Verify(secret string, h http.Header, body []byte, o Options) Result {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	tolerance := o.ToleranceSec
	if tolerance == 0 {
		tolerance = DefaultToleranceSec
	}
	var tried []Result
	if sig := h.Get("X-Mittr-Signature"); o.Scheme != "standard" && sig != "" {
		ts := h.Get("X-Mittr-Timestamp")
		tried = append(tried, check("mittr", ts, now.Unix(), tolerance, func() bool {
			return anyEqual(sig, "v1=", hex.EncodeToString(sum([]byte(secret), ts+".", body)))
		}))
	}
	if sig, id := h.Get("Webhook-Signature"), h.Get("Webhook-Id"); o.Scheme != "mittr" && sig != "" && id != "" {
		ts := h.Get("Webhook-Timestamp")
		tried = append(tried, check("standard", ts, now.Unix(), tolerance, func() bool {
			return anyEqual(sig, "v1,", base64.StdEncoding.EncodeToString(sum(standardKey(secret), id+"."+ts+".", body)))
		}))
	}
	for _, t := range tried {
		if t.Valid {
			return t
		}
	}
	if len(tried) > 0 {
		return tried[0]
	}
	return Result{false, "missing_headers", ""}
}
