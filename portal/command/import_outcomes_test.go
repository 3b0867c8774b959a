package command

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/store"
)

const bsnSystem = "http://fhir.nl/fhir/NamingSystem/bsn"

// bundleOf writes a collection Bundle of resources to dir/name and returns its path.
func bundleOf(t *testing.T, dir, name string, resources ...map[string]any) string {
	t.Helper()
	var entries []any
	for _, r := range resources {
		entries = append(entries, map[string]any{"fullUrl": "urn:uuid:" + r["id"].(string), "resource": r})
	}
	path := filepath.Join(dir, name)
	writeJSON(t, path, map[string]any{"resourceType": "Bundle", "type": "collection", "entry": entries})
	return path
}

func dutchPatient(id, bsn, birthDate string) map[string]any {
	p := map[string]any{"resourceType": "Patient", "id": id, "birthDate": birthDate, "gender": "male",
		"name": []any{map[string]any{"use": "official", "family": "Visser", "given": []any{"Kees"}}}}
	if bsn != "" {
		p["identifier"] = []any{map[string]any{"system": bsnSystem, "value": bsn}}
	}
	return p
}

// TestImportExitStatusSaysWhetherTheDataWasWrong: resources the portal does not use are skipped and the
// exit status is 0; a wrong resource is rejected and the exit status is 1. The data folder that does not
// exist yet is created, readable by the portal's user only.
func TestImportExitStatusSaysWhetherTheDataWasWrong(t *testing.T) {
	in := t.TempDir()
	data := filepath.Join(t.TempDir(), "new", "data")
	ordinary := bundleOf(t, in, "ordinary.json",
		dutchPatient("p1", "999993653", "1950-05-17"),
		map[string]any{"resourceType": "CareTeam", "id": "ct", "status": "active", "subject": map[string]any{"reference": "urn:uuid:p1"},
			"participant": []any{map[string]any{"role": []any{map[string]any{"coding": []any{map[string]any{"system": "http://snomed.info/sct", "code": "158965000"}}}}}}},
		map[string]any{"resourceType": "QuestionnaireResponse", "id": "qr", "status": "completed", "subject": map[string]any{"reference": "urn:uuid:p1"}},
	)
	code, out, errOut := runMain(t, nil, "import", "--data", data, ordinary)
	if code != 0 || !strings.Contains(out, "skipped 2, rejected 0") || strings.Contains(out, "REJECTED") ||
		!strings.Contains(out, "CareTeam without a participant role") || !strings.Contains(out, "QuestionnaireResponse is not imported") {
		t.Fatalf("skipped only: exit %d\n%s\n%s", code, out, errOut)
	}
	info, err := os.Stat(data)
	if err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
		t.Fatalf("data folder %v %v: want it created with mode 0700", info, err)
	}

	wrong := bundleOf(t, in, "wrong.json",
		dutchPatient("p2", "999993654", "1950-05-17")) // fails the elfproef
	code, out, errOut = runMain(t, nil, "import", "--data", data, wrong)
	if code != 1 || !strings.Contains(out, "REJECTED Patient/p2") || !strings.Contains(errOut, "1 resources rejected because their data is wrong") {
		t.Errorf("wrong data: exit %d\n%s\n%s", code, out, errOut)
	}

	// A synthetic test number that a real patient brings is given up, and the command says so.
	test := bundleOf(t, in, "test.json", dutchPatient("s1", "", "1960-01-01"))
	if code, out, errOut := runMain(t, nil, "import", "--data", data, test, "--synthetic-bsn"); code != 0 {
		t.Fatalf("test patient: exit %d\n%s\n%s", code, out, errOut)
	}
	st, err := store.Open(context.Background(), filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	synthetic, err := st.PatientByFHIRID(context.Background(), "s1")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	realBundle := bundleOf(t, in, "real.json", dutchPatient("r1", synthetic.BSN, "1944-04-04"))
	code, out, errOut = runMain(t, nil, "import", "--data", data, realBundle)
	if code != 0 || !strings.Contains(out, "RENUMBERED test patient "+synthetic.PatientNumber) || !strings.Contains(out, synthetic.BSN+" belongs to Patient/r1") ||
		!strings.Contains(errOut, "synthetic BSN renumbered") {
		t.Errorf("real patient with the test patient's number: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestCommandsOnAMissingDataFolder: a command that reads or changes a data folder says plainly that the
// folder does not exist and what to do, and creates nothing.
func TestCommandsOnAMissingDataFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	for _, args := range [][]string{
		{"serve", "--data", missing},
		{"audit", "verify", "--data", missing},
		{"consent", "list", "--data", missing, "--bsn", "999993653", "--birth-date", "1950-05-17"},
		{"relation", "list", "--data", missing, "--bsn", "999993653", "--birth-date", "1950-05-17"},
		{"keys", "rotate", "--data", missing},
		{"agb", "show", "--data", missing, "01012345"},
		{"pki", "revoke", "--data", missing, "gp"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			code, out, errOut := runMain(t, nil, args...)
			if code != 1 || !strings.Contains(errOut, "the data folder does not exist: --data "+missing) ||
				!strings.Contains(errOut, "zorgverlenersportaal import --data "+missing) {
				t.Errorf("exit %d\n%s\n%s", code, out, errOut)
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Errorf("the missing folder was created (%v)", err)
			}
		})
	}
}

// TestAGBImportCreatesTheDataFolder: the other command that brings data in makes its folder too.
func TestAGBImportCreatesTheDataFolder(t *testing.T) {
	data := filepath.Join(t.TempDir(), "fresh")
	good := registerHeader + "ZV;01012345;2008-03-01;;actief;Vries;de;A.;Anna;;;;;\n" + "KWAL;01012345;2008-03-01;;;;;;;;0101;;;\n"
	code, out, errOut := runMain(t, nil, "agb", "import", "--data", data, writeRegister(t, good))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if info, err := os.Stat(data); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("data folder %v %v: want it created with mode 0700", info, err)
	}
	if n, err := openData(t, data).CountAGBRegistrations(context.Background()); err != nil || n != 1 {
		t.Errorf("%d registrations (%v), want 1", n, err)
	}
}
