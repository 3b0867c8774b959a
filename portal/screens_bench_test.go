package portal_test

import (
	"net/http"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// BenchmarkStartPage measures the GP's "Mijn patiënten" over mutual TLS on the demo data set: the
// relationships, the decision per patient, the admissions, and the access-log records of the patients
// listed (one durable write).
func BenchmarkStartPage(b *testing.B) {
	env := portaltest.Start(b, portaltest.Options{DemoData: true})
	gp := env.Client(b, devpki.CardGP)
	gp.Get(b, "/")
	b.ResetTimer()
	for b.Loop() {
		if resp := gp.Get(b, "/"); resp.Status != http.StatusOK {
			b.Fatalf("status %d", resp.Status)
		}
	}
}

// BenchmarkLabPage measures one dossier page with many items: the lab results of the admitted patient.
func BenchmarkLabPage(b *testing.B) {
	env := portaltest.Start(b, portaltest.Options{DemoData: true})
	gp := env.Client(b, devpki.CardGP)
	path := categoryPath(env.Patient(b, bsnVanDenBerg), access.Lab)
	gp.Get(b, path)
	b.ResetTimer()
	for b.Loop() {
		if resp := gp.Get(b, path); resp.Status != http.StatusOK {
			b.Fatalf("status %d", resp.Status)
		}
	}
}
