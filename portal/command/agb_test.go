package command

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/devagb"
	"zorgverlenersportaal/portal/store"
)

const registerHeader = "recordtype;agbcode;begindatum;einddatum;status;achternaam;voorvoegsel;voorletters;voornaam;naam;kwalificatie;relatie_agbcode;relatiesoort;rol\n"

// registerFile has one bad line (line 6: a date in Dutch order) among good ones.
const registerFile = registerHeader +
	"ZV;01012345;2008-03-01;;actief;Vries;de;A.;Anna;;;;;\n" + // line 2
	"KWAL;01012345;2008-03-01;;;;;;;;0101;;;\n" + // line 3
	"ZV;01023456;2015-09-01;;actief;Jansen;;B.;Bram;;;;;\n" + // line 4
	"KWAL;01023456;2015-09-01;;;;;;;;0101;;;\n" + // line 5
	"ZV;02045678;01-09-2006;;actief;Visser;;D.;Dirk;;;;;\n" + // line 6: bad
	"KWAL;02045678;2006-09-01;;;;;;;;0200;;;\n" // line 7: its registration is bad

func writeRegister(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "register.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func openData(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestAGBImportWithABadLineChangesNothing(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runMain(t, nil, "agb", "import", "--data", dir, writeRegister(t, registerFile))
	if code != 1 || !strings.Contains(errOut, "line 6: begindatum") || !strings.Contains(errOut, "nothing imported") {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	st := openData(t, dir)
	if n, _ := st.CountAGBRegistrations(context.Background()); n != 0 {
		t.Fatalf("%d registrations imported from a file with a bad line", n)
	}
	recs, _ := st.AccessRecordsAfter(context.Background(), 0, 10)
	if len(recs) != 1 || recs[0].Event != "import" || recs[0].Outcome != "refused" || !strings.Contains(recs[0].Detail, "line 6") {
		t.Fatalf("access log: %+v", recs)
	}
}

func TestAGBImportPartialImportsTheGoodLines(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runMain(t, nil, "agb", "import", "--data", dir, writeRegister(t, registerFile), "--partial")
	if code != 0 || !strings.Contains(out, "2 registrations added") || !strings.Contains(errOut, "line 6:") || !strings.Contains(errOut, "line 7:") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	st := openData(t, dir)
	ctx := context.Background()
	if n, _ := st.CountAGBRegistrations(ctx); n != 2 {
		t.Fatalf("%d registrations, want 2", n)
	}
	if _, err := st.AGBRegistration(ctx, "02045678"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the bad registration was imported: %v", err)
	}
	recs, _ := st.AccessRecordsAfter(ctx, 0, 10)
	if len(recs) != 1 || recs[0].Outcome != "success" || !strings.Contains(recs[0].Detail, "2 bad lines skipped") {
		t.Fatalf("access log: %+v", recs)
	}

	// Re-importing a corrected file updates in place: Anna de Vries's registration ends.
	fixed := strings.Replace(registerFile, "01-09-2006", "2006-09-01", 1)
	fixed = strings.Replace(fixed, "ZV;01012345;2008-03-01;;actief", "ZV;01012345;2008-03-01;2025-12-31;beeindigd", 1)
	if code, out, errOut := runMain(t, nil, "agb", "import", "--data", dir, writeRegister(t, fixed)); code != 0 || !strings.Contains(out, "1 registrations added, 2 updated") {
		t.Fatalf("re-import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runMain(t, nil, "agb", "show", "--data", dir, "01012345")
	for _, want := range []string{"zorgverlener", "A. de Vries (Anna)", "beeindigd, 2008-03-01 .. 2025-12-31", "active     no", "0101 Huisarts"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("agb show lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := runMain(t, nil, "agb", "show", "--data", dir, "01099999"); code != 1 || !strings.Contains(errOut, "not in the register") {
		t.Errorf("show of a missing code: %d %s", code, errOut)
	}
}

func TestAGBCommandLine(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"agb"},
		{"agb", "export"},
		{"agb", "import", "--data", dir},
		{"agb", "show", "--data", dir, "123"},
	} {
		if code, _, errOut := runMain(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s", args, code, errOut)
		}
	}
	if code, _, errOut := runMain(t, nil, "agb", "import", "--data", dir, writeRegister(t, "agbcode;naam\n")); code != 1 || !strings.Contains(errOut, "header") {
		t.Errorf("a file without the header: %d %s", code, errOut)
	}
}

// FuzzParseRegisterPartial: whatever the file, the --partial parser ends, never panics, returns only
// registrations that validate, and names only lines that exist.
func FuzzParseRegisterPartial(f *testing.F) {
	f.Add([]byte(registerFile))
	f.Add(devagb.RegisterCSV)
	f.Add([]byte(registerHeader + "ZV;\"01012345\n;2008-03-01;;actief;Vries;;;;;;;;\nKWAL;01012345;2008-03-01;;;;;;;;0101;;;\n"))
	f.Add([]byte("\xef\xbb\xbf" + registerHeader + "REL;01012345;2008-03-01;;;;;;;;;01012345;werkzaam-bij;\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		regs, bad, err := parseRegisterPartial(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, r := range regs {
			if err := r.Validate(); err != nil {
				t.Fatalf("--partial kept an invalid registration: %v", err)
			}
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, le := range bad {
			if le.Line < 1 || le.Line > lines {
				t.Fatalf("bad line %d outside the file's %d lines", le.Line, lines)
			}
		}
	})
}
