package fhir_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/fhir"
	"zorgverlenersportaal/portal/store"
)

// sampleDir finds the shared Synthea samples through ZVP_SHARED_DIR (default ../shared next to the
// repository root) and skips the test, saying so, when they are not there.
func sampleDir(tb testing.TB) string {
	tb.Helper()
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			tb.Fatal(err)
		}
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, "fhir-samples", "synthea-r4")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("the shared FHIR samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	return dir
}

func countBundleEntries(tb testing.TB, data []byte) int {
	tb.Helper()
	var b struct {
		Entry []json.RawMessage `json:"entry"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		tb.Fatal(err)
	}
	return len(b.Entry)
}

// res is a FHIR resource written as a map, for small test bundles. The key "fullUrl" (not FHIR inside a
// resource) sets the entry's fullUrl and is removed; otherwise the fullUrl is urn:uuid:<id>.
type res = map[string]any

// bundleJSON writes a Bundle of the given type.
func bundleJSON(tb testing.TB, typ string, resources ...res) []byte {
	tb.Helper()
	var entries []any
	for _, r := range resources {
		r = copyRes(r)
		fullURL, ok := r["fullUrl"].(string)
		delete(r, "fullUrl")
		if !ok {
			if id, _ := r["id"].(string); id != "" {
				fullURL = "urn:uuid:" + id
			}
		}
		e := map[string]any{"resource": r}
		if fullURL != "" {
			e["fullUrl"] = fullURL
		}
		if typ == "transaction" || typ == "batch" {
			e["request"] = map[string]any{"method": "POST", "url": r["resourceType"]}
		}
		entries = append(entries, e)
	}
	data, err := json.Marshal(map[string]any{"resourceType": "Bundle", "type": typ, "entry": entries})
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func copyRes(r res) res {
	out := res{}
	for k, v := range r {
		out[k] = v
	}
	return out
}

// with returns a copy of r with fields replaced (nil deletes).
func with(r res, kv ...any) res {
	out := copyRes(r)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func ref(s string) map[string]any { return map[string]any{"reference": s} }

func coding(system, code, display string) map[string]any {
	return map[string]any{"coding": []any{map[string]any{"system": system, "code": code, "display": display}}, "text": display}
}

func identifier(system, value string) map[string]any {
	return map[string]any{"system": system, "value": value}
}

// patientRes is a Dutch patient with a BSN.
func patientRes(id, bsn, family string) res {
	r := res{
		"resourceType": "Patient", "id": id,
		"name":      []any{map[string]any{"use": "official", "family": family, "given": []any{"Test"}}},
		"gender":    "female",
		"birthDate": "1950-05-17",
	}
	if bsn != "" {
		r["identifier"] = []any{identifier("http://fhir.nl/fhir/NamingSystem/bsn", bsn)}
	}
	return r
}

// labRes is a laboratory Observation of a patient.
func labRes(id, subject, loinc string, value float64, unit string) res {
	return res{
		"resourceType": "Observation", "id": id, "status": "final",
		"category":          []any{coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")},
		"code":              coding("http://loinc.org", loinc, "Test "+loinc),
		"subject":           ref(subject),
		"effectiveDateTime": "2026-01-10T08:00:00+01:00",
		"valueQuantity":     map[string]any{"value": value, "unit": unit},
	}
}

type testEnv struct {
	st *store.Store
	im *fhir.Importer
}

func newTestEnv(tb testing.TB) testEnv {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "portal.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	im := fhir.NewImporter(st, audit.New(st))
	im.Now = func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	return testEnv{st: st, im: im}
}

// load imports a bundle that must import without any rejection.
func (e testEnv) load(tb testing.TB, name string, data []byte) fhir.Result {
	tb.Helper()
	r := e.im.ImportBytes(context.Background(), name, data)
	if r.Err != nil {
		tb.Fatalf("%s: %v", name, r.Err)
	}
	if len(r.Rejected) > 0 {
		tb.Fatalf("%s: rejected %v", name, r.Rejected)
	}
	return r
}

func (e testEnv) counts(tb testing.TB) map[string]int {
	tb.Helper()
	c, err := e.st.DataCounts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func (e testEnv) patient(tb testing.TB, fhirID string) access.Patient {
	tb.Helper()
	p, err := e.st.PatientByFHIRID(context.Background(), fhirID)
	if err != nil {
		tb.Fatalf("patient %s: %v", fhirID, err)
	}
	return p
}

// rejectedFor finds the rejection of a resource.
func rejectedFor(r fhir.Result, resource string) (string, bool) {
	for _, rj := range r.Rejected {
		if rj.Resource == resource {
			return rj.Reason, true
		}
	}
	return "", false
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
