package fhir_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/fhir"
)

// nictizDir finds a folder of the shared Nictiz samples (zib2020, mp9-3.0-cert) through ZVP_SHARED_DIR,
// as sampleDir does for Synthea, and skips the test, saying so, when they are not there.
func nictizDir(tb testing.TB, sub string) string {
	tb.Helper()
	synthea := sampleDir(tb)
	dir := filepath.Join(filepath.Dir(synthea), "nictiz", sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("the shared Nictiz samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	return dir
}

// fillDatesInFolder writes copies of the bundles of dir into a temporary folder with the date
// placeholders filled in from day (fillDates), and returns that folder.
func fillDatesInFolder(tb testing.TB, dir string, day time.Time) string {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no bundles in %s: %v", dir, err)
	}
	out := tb.TempDir()
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, filepath.Base(name)), fillDates(tb, data, day), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

// patientIDsByBSN reads every Patient of the bundles in dir: resource id -> BSN.
func patientIDsByBSN(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	ids := map[string]string{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		var b struct {
			Entry []struct {
				Resource struct {
					ResourceType string            `json:"resourceType"`
					ID           string            `json:"id"`
					Identifier   []fhir.Identifier `json:"identifier"`
				} `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(data, &b); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		for _, e := range b.Entry {
			if e.Resource.ResourceType != "Patient" {
				continue
			}
			for _, id := range e.Resource.Identifier {
				if id.System == bsnSystem {
					ids[e.Resource.ID] = id.Value
				}
			}
		}
	}
	return ids
}

// TestMP9SamplesAreNinePatients imports all MP9 3.0 qualification bundles into one database: each bundle
// names its patient under another resource id, and the nine BSNs must give nine patients, none rejected,
// every resource id pointing at the patient of its BSN. (Medication records are another matter: this
// test is about who the patients are.)
func TestMP9SamplesAreNinePatients(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	dir := fillDatesInFolder(t, nictizDir(t, "mp9-3.0-cert"), env.im.Now())
	results, err := env.im.ImportPaths(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s rejected whole: %v", filepath.Base(r.Source), r.Err)
		}
		for _, rj := range r.Rejected {
			if strings.HasPrefix(rj.Resource, "Patient/") {
				t.Errorf("%s: %s rejected: %s", filepath.Base(r.Source), rj.Resource, rj.Reason)
			}
		}
	}
	ids := patientIDsByBSN(t, dir)
	bsns := map[string]bool{}
	for _, bsn := range ids {
		bsns[bsn] = true
	}
	if len(bsns) != 9 {
		t.Fatalf("the samples carry %d BSNs, this test expects the nine of the MP9 3.0 qualification", len(bsns))
	}
	patients, err := env.st.AllPatients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(patients) != 9 {
		t.Errorf("%d patients in the portal, want 9 (one per BSN)", len(patients))
	}
	for id, bsn := range ids {
		p := env.sourcePatient(t, id)
		if p.BSN != bsn || p.BSNSynthetic {
			t.Errorf("Patient/%s (BSN %s) resolves to patient %s with BSN %s", id, bsn, p.PatientNumber, p.BSN)
		}
	}
}

// TestZib2020SamplesSkipWhatThePortalDoesNotUse imports the nl-core example bundles: what the portal does
// not use (care teams and episodes without a portal relationship role, types it does not show) is
// skipped with a reason, and no CareTeam or EpisodeOfCare is rejected.
func TestZib2020SamplesSkipWhatThePortalDoesNotUse(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.im.SyntheticBSN = true
	results, err := env.im.ImportPaths(ctx, []string{nictizDir(t, "zib2020")})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]int{}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s rejected whole: %v", filepath.Base(r.Source), r.Err)
		}
		for _, rj := range r.Rejected {
			if strings.HasPrefix(rj.Resource, "CareTeam/") || strings.HasPrefix(rj.Resource, "EpisodeOfCare/") {
				t.Errorf("%s: %s rejected: %s", filepath.Base(r.Source), rj.Resource, rj.Reason)
			}
		}
		for typ, c := range r.Counts {
			skipped[typ] += c.Skipped
		}
	}
	if skipped["EpisodeOfCare"] == 0 || skipped["Goal"] == 0 {
		t.Errorf("skipped per type %v: the hospital's own episodes and the zibs without a data category (Goal) should be skipped", skipped)
	}
}
