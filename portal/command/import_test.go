package command

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/demodata"
	"zorgverlenersportaal/portal/store"
)

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestImportCommand(t *testing.T) {
	data := t.TempDir()
	in := t.TempDir()
	bundles := demodata.Generate(time.Now())
	providers := filepath.Join(in, "providers.json")
	patient := filepath.Join(in, "patient.json")
	writeJSON(t, providers, bundles[0].Bundle)
	writeJSON(t, patient, bundles[1].Bundle)
	usPatient := filepath.Join(in, "us-patient.json")
	if err := os.WriteFile(usPatient, []byte(`{"resourceType":"Bundle","type":"collection","entry":[
		{"fullUrl":"urn:uuid:us-1","resource":{"resourceType":"Patient","id":"us-1","name":[{"family":"Doe"}],"birthDate":"1980-01-01"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}

	// The patient bundle names its practitioners by AGB: the providers file must come first.
	code, out, errOut := runMain(t, nil, "import", "--data", data, providers, patient)
	if code != 0 || !strings.Contains(out, "providers.json (collection, ") || !strings.Contains(out, "Practitioner") ||
		!strings.Contains(out, "patient.json (transaction, ") || !strings.Contains(out, "rejected 0\n") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runMain(t, nil, "import", "--data", data, patient)
	if code != 0 || !strings.Contains(out, ": imported 0, updated ") {
		t.Errorf("re-import: exit %d\n%s", code, out)
	}

	// Without --synthetic-bsn a patient without BSN is refused and the command says so; with it (after the
	// file, as in the README) it is imported.
	code, out, errOut = runMain(t, nil, "import", "--data", data, usPatient)
	if code != 1 || !strings.Contains(out, "REJECTED Patient/us-1: the patient has no BSN") || !strings.Contains(errOut, "1 resources rejected") {
		t.Errorf("without --synthetic-bsn: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runMain(t, nil, "import", "--data", data, usPatient, "--synthetic-bsn")
	if code != 0 || !strings.Contains(out, "imported 1, updated 0") {
		t.Errorf("with --synthetic-bsn: exit %d\n%s\n%s", code, out, errOut)
	}

	truncated := filepath.Join(in, "truncated.json")
	raw, _ := os.ReadFile(patient)
	if err := os.WriteFile(truncated, raw[:len(raw)/3], 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runMain(t, nil, "import", "--data", data, truncated)
	if code != 1 || !strings.Contains(out, "truncated.json: REJECTED, nothing imported: not a FHIR R4 JSON Bundle") ||
		!strings.Contains(errOut, "1 of 1 files rejected whole") {
		t.Errorf("truncated file: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runMain(t, nil, "import", "--data", data); code != 2 || !strings.Contains(errOut, "name at least one FHIR bundle") {
		t.Errorf("no files: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runMain(t, nil, "import", "--data", data, filepath.Join(in, "missing.json")); code != 1 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("a missing file: exit %d, %q", code, errOut)
	}
}

// TestDemoSeedsOnce checks that the demo imports its data set on the first run only.
func TestDemoSeedsOnce(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default(t.TempDir())
	if err := seedDemo(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := st.PatientCount(ctx)
	recs, _ := st.AccessRecordsAfter(ctx, 0, 1000)
	st.Close()
	// One record per imported bundle, plus the import of the demo AGB register and the demo's mandate.
	if n < 24 || len(recs) != len(demodata.Generate(time.Now()))+2 {
		t.Fatalf("first run: %d patients, %d access records", n, len(recs))
	}
	if err := seedDemo(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	again, _ := st.AccessRecordsAfter(ctx, 0, 1000)
	if len(again) != len(recs) {
		t.Errorf("the second run imported again: %d access records, was %d", len(again), len(recs))
	}
}
