package portal_test

import (
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

func startBenchPortal(b *testing.B) *portaltest.Env {
	return portaltest.Start(b, portaltest.Options{})
}

func benchRelationshipAndConsent(b *testing.B, w *world, p access.Patient) {
	now := time.Now()
	ura := "90000101"
	log := audit.New(w.env.Store)
	defer log.Close()
	entry := func(e audit.Event) store.LogEntry {
		return log.Entry(audit.Record{Event: e, Outcome: audit.Success, User: audit.User{Name: "bench"}})
	}
	if _, err := w.env.Store.AddRelationship(b.Context(), access.Relationship{PatientID: p.ID, HolderKind: access.HolderOrganisation, HolderURA: &ura,
		Kind: access.RegisteredGP, Source: "bench", ValidFrom: now.Add(-time.Hour), CreatedBy: "bench", CreatedAt: now}, entry(audit.EventRelationshipChange)); err != nil {
		b.Fatal(err)
	}
	if _, err := w.env.Store.RegisterConsent(b.Context(), access.Consent{PatientID: p.ID, Category: access.Huisartsen, Status: access.ConsentGranted,
		RegisteredBy: access.ByPatient, Channel: access.ChannelDesk, GivenAt: now.Add(-time.Minute), RecordedBy: "bench", RecordedAt: now}, entry(audit.EventConsentChange)); err != nil {
		b.Fatal(err)
	}
}
