package portal_test

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
)

// BenchmarkPatientAccessPage is one provider page view end to end in one process: the request over a
// kept-alive mutual-TLS connection, the card check, the session, the facts from the database, the
// decision over every category, the durable access-log record and the rendered page. Run with
// -cpuprofile to see where a view spends its time; `load` measures the same over real processes.
//
//	go test -run '^$' -bench PatientAccessPage -benchtime 3s -cpuprofile cpu.out ./portal/
func BenchmarkPatientAccessPage(b *testing.B) {
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			w := &world{env: nil}
			w.env = startBenchPortal(b)
			now := time.Now()
			p, err := w.env.Store.CreatePatient(b.Context(), access.Patient{BSN: "999990020", PatientNumber: "P0000020", FamilyName: "Bench",
				GivenNames: "Test", BirthDate: adult, Sex: access.SexFemale}, now)
			if err != nil {
				b.Fatal(err)
			}
			benchRelationshipAndConsent(b, w, p)
			path := fmt.Sprintf("/patients/%d/access", p.ID)
			var cs []*http.Client
			for range clients {
				c := w.env.Client(b, devpki.CardGP)
				c.HTTP.Transport.(*http.Transport).ForceAttemptHTTP2 = false
				c.HTTP.Transport.(*http.Transport).TLSClientConfig.NextProtos = []string{"http/1.1"}
				if resp := c.Get(b, path); resp.Status != http.StatusOK {
					b.Fatalf("status %d", resp.Status)
				}
				cs = append(cs, c.HTTP)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			for i, c := range cs {
				n := b.N / clients
				if i == 0 {
					n += b.N % clients
				}
				wg.Go(func() {
					for range n {
						resp, err := c.Get(w.env.URL + path)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}
