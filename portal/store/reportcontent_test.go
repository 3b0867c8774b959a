package store

import (
	"context"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
)

// TestReportsWithoutContentAreNotListed: a report with neither conclusion nor attachment (kept from an
// import before empty reports were skipped) is neither listed nor counted on the reports tab; a
// laboratory panel, whose content is its results, still is listed.
func TestReportsWithoutContentAreNotListed(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	p1, _ := seedDossier(t, s)
	before, err := s.DossierCounts(ctx, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Import(ctx, day0, func(tx *ImportTx) error {
		empty := dossier.Report{PatientID: p1.ID, Kind: dossier.ReportOther, Title: "PHQ-9", Status: "final", EffectiveAt: ptr(at(-2)), FHIRID: ptr("phq")}
		if err := tx.PutReport(&empty, nil); err != nil {
			return err
		}
		concluded := dossier.Report{PatientID: p1.ID, Kind: dossier.ReportOther, Title: "Consult", Status: "final", Conclusion: "Geen bijzonderheden",
			EffectiveAt: ptr(at(-2)), FHIRID: ptr("consult")}
		return tx.PutReport(&concluded, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	reports, err := s.Reports(ctx, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, r := range reports {
		listed[*r.FHIRID] = true
	}
	if listed["phq"] || !listed["consult"] || !listed["r1"] || !listed["r2"] {
		t.Errorf("listed %v: want the ECG, the laboratory panel and the concluded consult, not the empty PHQ-9", listed)
	}
	after, err := s.DossierCounts(ctx, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after[access.Reports] != before[access.Reports]+1 {
		t.Errorf("reports tab counts %d, was %d: only the concluded consult adds one", after[access.Reports], before[access.Reports])
	}
}
