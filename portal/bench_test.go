package portal_test

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// BenchmarkPatientAccessPage is one provider page view end to end in one process: the request over a
// kept-alive mutual-TLS connection (HTTP/1.1), the card and CRL check, the session, the facts from the
// database, the decision over every category, the durable access-log record and the rendered page.
// Run it with -cpuprofile to see where a view spends its time; `load` measures the same across processes.
//
//	go test -run '^$' -bench PatientAccessPage -benchtime 3s -cpuprofile cpu.out ./portal/
func BenchmarkPatientAccessPage(b *testing.B) {
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			env := portaltest.Start(b, portaltest.Options{})
			path := benchPatient(b, env)
			var cs []*http.Client
			for range clients {
				c := env.Client(b, devpki.CardGP)
				tr := c.HTTP.Transport.(*http.Transport)
				tr.ForceAttemptHTTP2, tr.TLSClientConfig.NextProtos = false, []string{"http/1.1"}
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
						resp, err := c.Get(env.URL + path)
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

// benchPatient creates a patient of De Linde with consent for GPs and returns the path of its access page.
func benchPatient(b *testing.B, env *portaltest.Env) string {
	now := time.Now()
	p, err := env.Store.CreatePatient(b.Context(), access.Patient{BSN: "999990020", PatientNumber: "P0000020", FamilyName: "Bench",
		GivenNames: "Test", BirthDate: adult, Sex: access.SexFemale}, now)
	if err != nil {
		b.Fatal(err)
	}
	log := audit.New(env.Store)
	defer log.Close()
	entry := func(e audit.Event) store.LogEntry {
		return log.Entry(audit.Record{Event: e, Outcome: audit.Success, User: audit.User{Name: "bench"}})
	}
	ura := "90000101"
	if _, err := env.Store.AddRelationship(b.Context(), access.Relationship{PatientID: p.ID, HolderKind: access.HolderOrganisation, HolderURA: &ura,
		Kind: access.RegisteredGP, Source: "bench", ValidFrom: now.Add(-time.Hour), CreatedBy: "bench", CreatedAt: now}, entry(audit.EventRelationshipChange)); err != nil {
		b.Fatal(err)
	}
	if _, err := env.Store.RegisterConsent(b.Context(), access.Consent{PatientID: p.ID, Category: access.Huisartsen, Status: access.ConsentGranted,
		RegisteredBy: access.ByPatient, Channel: access.ChannelDesk, GivenAt: now.Add(-time.Minute), RecordedBy: "bench", RecordedAt: now}, entry(audit.EventConsentChange)); err != nil {
		b.Fatal(err)
	}
	return portaltest.PatientPath(p, "access")
}
