package portal_test

import (
	"net/http"
	"testing"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// BenchmarkNewsPage measures the GP's "Nieuw" page over mutual TLS on the demo data set: the news query
// over the practice's patients, the access decision per patient with news, and one access-log record per
// patient named (one durable write). Nothing is opened, so the news stays the same on every request.
func BenchmarkNewsPage(b *testing.B) {
	env := portaltest.Start(b, portaltest.Options{DemoData: true})
	gp := env.Client(b, devpki.CardGP)
	gp.Get(b, "/nieuw")
	b.ResetTimer()
	for b.Loop() {
		if resp := gp.Get(b, "/nieuw"); resp.Status != http.StatusOK {
			b.Fatalf("status %d", resp.Status)
		}
	}
}
