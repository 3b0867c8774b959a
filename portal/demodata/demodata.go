// Package demodata generates the demo world as FHIR R4 bundles: the organisations and providers of the
// development UZI-register's test cards, the hospital's clinicians, and 26 Dutch patients whose dossiers
// fill every screen of the portal — lab series with trends and out-of-range values, medication started
// and stopped, allergies, admissions (one current), appointments, operations, letters (text and PDF),
// reports of every kind, imaging studies, treatment limits, treatment relationships of every kind and
// consent in every state. The demo imports these bundles through the real FHIR importer on its first
// run, so the demo also shows that the import works.
//
// Generation is deterministic for a given moment: dates are relative to now (the admitted patient was
// admitted three days ago whenever the demo starts), ids are derived from names.
package demodata

import (
	"context"
	"fmt"
	"time"

	"zorgverlenersportaal/portal/fhir"
)

// Bundle is one generated bundle with the name it is imported under.
type Bundle struct {
	Name   string
	Bundle *fhir.Bundle
}

// Generate builds the demo world as of now: first the providers bundle, then one bundle per patient.
func Generate(now time.Time) []Bundle {
	w := newWorld()
	out := []Bundle{{Name: "demo/zorgverleners.json", Bundle: w.providersBundle()}}
	for _, pc := range patients {
		typ := pc.bundleType
		if typ == "" {
			typ = "transaction"
		}
		c := newChart(w, pc.person, now, typ)
		pc.build(c)
		out = append(out, Bundle{Name: fmt.Sprintf("demo/patient-%s.json", pc.person.key), Bundle: c.b.bundle})
	}
	return out
}

// Import generates the demo world as of now and imports it; every bundle must import without a single
// rejected resource, as the demo data is ours.
func Import(ctx context.Context, im *fhir.Importer, now time.Time) ([]fhir.Result, error) {
	var results []fhir.Result
	for _, b := range Generate(now) {
		res := im.ImportBundle(ctx, b.Name, b.Bundle)
		results = append(results, res)
		if res.Err != nil {
			return results, fmt.Errorf("demo data %s: %w", b.Name, res.Err)
		}
		if len(res.Rejected) > 0 {
			return results, fmt.Errorf("demo data %s: %s rejected: %s", b.Name, res.Rejected[0].Resource, res.Rejected[0].Reason)
		}
	}
	return results, nil
}
