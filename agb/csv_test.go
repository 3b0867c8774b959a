package agb

import (
	"bytes"
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

const csvHeader = "recordtype;agbcode;begindatum;einddatum;status;achternaam;voorvoegsel;voorletters;voornaam;naam;kwalificatie;relatie_agbcode;relatiesoort;rol"

// Valid rows to build files from; every row has the header's 14 fields.
const (
	rowGP       = "ZV;01900001;2010-03-01;;actief;Vries;de;J.;Jan;;;;;"
	rowGPKwal   = "KWAL;01900001;2010-03-01;;;;;;;;0101;;;"
	rowPractice = "OND;01900100;2005-01-01;;actief;;;;;Huisartsenpraktijk De Linde;;;;"
	rowLocation = "VES;71900100;2005-01-01;;actief;;;;;De Linde, locatie Zuid;;;;"
	rowLocOf    = "REL;71900100;2005-01-01;;;;;;;;;01900100;vestiging-van;"
	rowWorksAt  = "REL;01900001;2010-03-01;;;;;;;;;71900100;werkzaam-bij;"
)

func csvFile(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestParseRegisterCSVExample(t *testing.T) {
	f, err := os.Open("testdata/register-example.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	regs, lineErrs, err := ParseRegisterCSV(f)
	if err != nil || len(lineErrs) != 0 {
		t.Fatalf("example file: err=%v, line errors=%v", err, lineErrs)
	}
	if len(regs) != 12 {
		t.Fatalf("%d registrations, want 12", len(regs))
	}
	reg, err := NewMapRegister(regs...)
	if err != nil {
		t.Fatal(err)
	}
	// The example is also a working register for the admission check.
	today := MustDate(2025, time.June, 15)
	tests := []struct {
		code, role, surname string
		want                Reason
	}{
		{"01900001", "01.015", "de Vries", ""},
		{"01900002", "01.004", "Bakker", ""},
		{"01900003", "01.015", "'t Hart", ReasonEnded},
		{"02900001", "17.075", "Ozturk", ""},
		{"84900001", "01.047", "van den Berg", ""},
		{"84900002", "01.056", "Smit", ""},
		{"91900001", "30.000", "Mulder", ""},
		{"03900001", "01.016", "Dijk", ""},
		{"03900001", "01.010", "Dijk", ReasonNoFittingQualification},
		{"01900100", "01.015", "Linde", ReasonNotZorgverlener},
		{"06900100", "01.015", "Ziekenhuis", ReasonNotZorgverlener},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.role, func(t *testing.T) {
			_, err := CheckCode(context.Background(), reg, tt.code, tt.role, tt.surname, today)
			got, _ := ReasonOf(err)
			if got != tt.want {
				t.Fatalf("CheckCode = %v, want reason %q", err, tt.want)
			}
		})
	}
	gp, _ := reg.Lookup(context.Background(), "01900001")
	if len(gp.Relations) != 2 || gp.Relations[1].Role != "eigenaar" || gp.Relations[1].Kind != RelationEmployment {
		t.Fatalf("relations of 01900001 = %+v", gp.Relations)
	}
}

func TestParseRegisterCSVGood(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		codes []Code
	}{
		{"minimal", csvFile(csvHeader, rowGP, rowGPKwal), []Code{"01900001"}},
		{"header only", csvFile(csvHeader), nil},
		{"BOM, CRLF, comments and blank lines",
			"\uFEFF# comment\r\n" + csvHeader + "\r\n\r\n# another\r\n" + rowGP + "\r\n" + rowGPKwal + "\r\n",
			[]Code{"01900001"}},
		{"KWAL and REL before their registration",
			csvFile(csvHeader, rowWorksAt, rowGPKwal, rowLocOf, rowGP, rowLocation, rowPractice),
			[]Code{"01900001", "71900100", "01900100"}},
		{"columns in another order, header case and spaces",
			csvFile(" RecordType ;naam;AGBCode;begindatum;einddatum;status;achternaam;voorvoegsel;voorletters;voornaam;kwalificatie;relatie_agbcode;relatiesoort;rol",
				"ZV;;01900001;2010-03-01;;actief;Vries;de;J.;Jan;;;;"),
			[]Code{"01900001"}},
		{"lower-case record type, padded cells, beëindigd",
			csvFile(csvHeader, "zv; 01900001 ;2010-03-01;2020-01-01;Beëindigd; Vries ;de;J.;Jan;;;;;"),
			[]Code{"01900001"}},
		{"quoted cell with semicolon and quote",
			csvFile(csvHeader, `OND;01900100;2005-01-01;;actief;;;;;"Praktijk ""De Linde""; Zuid";;;;`),
			[]Code{"01900100"}},
		{"relation to an organisation outside the file", csvFile(csvHeader, rowGP, rowWorksAt), []Code{"01900001"}},
		{"one-day period", csvFile(csvHeader, "ZV;01900001;2010-03-01;2010-03-01;actief;Vries;;;;;;;;"), []Code{"01900001"}},
		{"same kwalificatie in two periods",
			csvFile(csvHeader, rowGP, rowGPKwal, "KWAL;01900001;2015-01-01;;;;;;;;0101;;;"), []Code{"01900001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			regs, lineErrs, err := ParseRegisterCSV(strings.NewReader(tt.file))
			if err != nil || len(lineErrs) != 0 {
				t.Fatalf("err=%v, line errors=%v", err, lineErrs)
			}
			var codes []Code
			for _, r := range regs {
				codes = append(codes, r.Code)
				if err := r.Validate(); err != nil {
					t.Errorf("parsed registration does not validate: %v", err)
				}
			}
			if !reflect.DeepEqual(codes, tt.codes) {
				t.Fatalf("codes = %v, want %v", codes, tt.codes)
			}
		})
	}
}

func TestParseRegisterCSVQuotedName(t *testing.T) {
	regs, _, _ := ParseRegisterCSV(strings.NewReader(csvFile(csvHeader,
		`OND;01900100;2005-01-01;;actief;;;;;"Praktijk ""De Linde""; Zuid";;;;`)))
	if len(regs) != 1 || regs[0].Name != `Praktijk "De Linde"; Zuid` {
		t.Fatalf("regs = %+v", regs)
	}
}

// want is one expected line error: its line, column and part of its reason.
type want struct {
	line   int
	column string
	reason string
}

func TestParseRegisterCSVBadLines(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []want
	}{
		{"too few fields", csvFile(csvHeader, "ZV;01900001;2010-03-01"),
			[]want{{2, "", "has 3 fields, the header has 14"}}},
		{"too many fields", csvFile(csvHeader, rowGP+";"),
			[]want{{2, "", "has 15 fields"}}},
		{"unknown record type", csvFile(csvHeader, "XX;01900001;2010-03-01;;;;;;;;;;;"),
			[]want{{2, "recordtype", `"XX" is not a record type`}}},
		{"code of seven digits", csvFile(csvHeader, "ZV;1900001;2010-03-01;;actief;Vries;;;;;;;;"),
			[]want{{2, "agbcode", `"1900001" must be exactly 8 digits`}}},
		{"code 00000000", csvFile(csvHeader, "ZV;00000000;2010-03-01;;actief;Vries;;;;;;;;"),
			[]want{{2, "agbcode", "no AGB code"}}},
		{"unknown zorgsoort", csvFile(csvHeader, "ZV;99000001;2010-03-01;;actief;Vries;;;;;;;;"),
			[]want{{2, "agbcode", "unknown zorgsoort 99"}}},
		{"person under zorgsoort 17", csvFile(csvHeader, "ZV;17000001;2010-03-01;;actief;Vries;;;;;;;;"),
			[]want{{2, "agbcode", "zorgsoort 17 (Rechtspersonen) is not used for zorgverleners"}}},
		{"DD-MM-YYYY date", csvFile(csvHeader, "ZV;01900001;01-03-2010;;actief;Vries;;;;;;;;"),
			[]want{{2, "begindatum", "looks like DD-MM-YYYY; write YYYY-MM-DD (2010-03-01)"}}},
		{"impossible date", csvFile(csvHeader, "ZV;01900001;2010-02-30;;actief;Vries;;;;;;;;"),
			[]want{{2, "begindatum", "has no day 30"}}},
		{"end before start", csvFile(csvHeader, "ZV;01900001;2010-03-01;2010-02-28;actief;Vries;;;;;;;;"),
			[]want{{2, "einddatum", "2010-02-28 is before begindatum 2010-03-01"}}},
		{"missing start", csvFile(csvHeader, "ZV;01900001;;;actief;Vries;;;;;;;;"),
			[]want{{2, "begindatum", "is required for a ZV row"}}},
		{"missing surname", csvFile(csvHeader, "ZV;01900001;2010-03-01;;actief;;;;;;;;;"),
			[]want{{2, "achternaam", "is required for a ZV row"}}},
		{"unknown status", csvFile(csvHeader, "ZV;01900001;2010-03-01;;geschorst;Vries;;;;;;;;"),
			[]want{{2, "status", `"geschorst" is not a status`}}},
		{"organisation name on a person", csvFile(csvHeader, "ZV;01900001;2010-03-01;;actief;Vries;;;;Praktijk;;;;"),
			[]want{{2, "naam", `must be empty for a ZV row, found "Praktijk"`}}},
		{"kwalificatie on a ZV row (shifted column)", csvFile(csvHeader, "ZV;01900001;2010-03-01;;actief;Vries;;;;;0101;;;"),
			[]want{{2, "kwalificatie", "must be empty for a ZV row"}}},
		{"onderneming without name", csvFile(csvHeader, "OND;01900100;2005-01-01;;actief;;;;;;;;;"),
			[]want{{2, "naam", "is required for a OND row"}}},
		{"control character in name", csvFile(csvHeader, "ZV;01900001;2010-03-01;;actief;\"Vr\x07ies\";;;;;;;;"),
			[]want{{2, "achternaam", "control character"}}},
		{"several problems on one line", csvFile(csvHeader, "ZV;1;2010-13-01;;nee;;;;;;;;;"),
			[]want{{2, "achternaam", "required"}, {2, "agbcode", "exactly 8 digits"},
				{2, "begindatum", "month 13"}, {2, "status", `"nee"`}}},

		{"duplicate registration", csvFile(csvHeader, rowGP, rowGPKwal, rowGP),
			[]want{{4, "agbcode", "duplicate registration 01900001, already on line 2"}}},
		{"KWAL for a code not in the file", csvFile(csvHeader, rowGP, "KWAL;01900002;2010-03-01;;;;;;;;0101;;;"),
			[]want{{3, "agbcode", "KWAL row for 01900002, but the file has no ZV, OND or VES row for 01900002"}}},
		{"REL for a code not in the file", csvFile(csvHeader, rowGP, "REL;01900002;2010-03-01;;;;;;;;;71900100;werkzaam-bij;"),
			[]want{{3, "agbcode", "REL row for 01900002"}}},
		{"KWAL without kwalificatie", csvFile(csvHeader, rowGP, "KWAL;01900001;2010-03-01;;;;;;;;;;;"),
			[]want{{3, "kwalificatie", "is required for a KWAL row"}}},
		{"KWAL of three digits", csvFile(csvHeader, rowGP, "KWAL;01900001;2010-03-01;;;;;;;;101;;;"),
			[]want{{3, "kwalificatie", `"101" must be exactly 4 digits`}}},
		{"KWAL of another zorgsoort", csvFile(csvHeader, rowGP, "KWAL;01900001;2010-03-01;;;;;;;;8418;;;"),
			[]want{{3, "kwalificatie", "kwalificatie 8418 belongs to zorgsoort 84, but code 01900001 is zorgsoort 01"}}},
		{"KWAL with status", csvFile(csvHeader, rowGP, "KWAL;01900001;2010-03-01;;actief;;;;;;0101;;;"),
			[]want{{3, "status", "must be empty for a KWAL row"}}},
		{"duplicate KWAL", csvFile(csvHeader, rowGP, rowGPKwal, rowGPKwal),
			[]want{{4, "kwalificatie", "duplicate kwalificatie 0101 for 01900001 from 2010-03-01, already on line 3"}}},
		{"KWAL ends before it starts", csvFile(csvHeader, rowGP, "KWAL;01900001;2010-03-01;2009-01-01;;;;;;;0101;;;"),
			[]want{{3, "einddatum", "before begindatum"}}},
		{"KWAL of a bad registration is not reported twice", csvFile(csvHeader, "ZV;01900001;2010-03-01;;x;Vries;;;;;;;;", rowGPKwal),
			[]want{{2, "status", `"x" is not a status`}}},

		{"unknown relation kind", csvFile(csvHeader, rowGP, "REL;01900001;2010-03-01;;;;;;;;;71900100;collega;"),
			[]want{{3, "relatiesoort", `"collega" is not a relation kind`}}},
		{"relation to itself", csvFile(csvHeader, rowGP, "REL;01900001;2010-03-01;;;;;;;;;01900001;werkzaam-bij;"),
			[]want{{3, "relatie_agbcode", "related to itself"}}},
		{"relation of the wrong owner kind", csvFile(csvHeader, rowGP, "REL;01900001;2010-03-01;;;;;;;;;01900100;vestiging-van;"),
			[]want{{3, "relatiesoort", "vestiging-van is a relation of a vestiging, but 01900001 is a zorgverlener"}}},
		{"relation to the wrong kind of registration", csvFile(csvHeader, rowGP, rowPractice,
			"REL;01900001;2010-03-01;;;;;;;;;01900100;werkzaam-bij;"),
			[]want{{4, "relatie_agbcode", "werkzaam-bij must point to a vestiging, but 01900100 is a onderneming (line 3)"}}},
		{"relation to an invalid code", csvFile(csvHeader, rowGP, "REL;01900001;2010-03-01;;;;;;;;;7190010;werkzaam-bij;"),
			[]want{{3, "relatie_agbcode", "exactly 8 digits"}}},
		{"duplicate relation", csvFile(csvHeader, rowGP, rowWorksAt, rowWorksAt),
			[]want{{4, "relatie_agbcode", "duplicate werkzaam-bij relation 01900001 -> 71900100 from 2010-03-01, already on line 3"}}},

		{"bare quote", csvFile(csvHeader, rowGP, `ZV;01900002;2010-03-01;;actief;Vr"ies;;;;;;;;`, rowGPKwal),
			[]want{{3, "", "CSV syntax error"}}},
		{"not UTF-8 (Windows-1252 é)", csvFile(csvHeader, "ZV;01900001;2010-03-01;;actief;Ren\xe9;;;;;;;;"),
			[]want{{2, "achternaam", "is not valid UTF-8"}}},
		{"line numbers count comments and blank lines", csvFile("# intro", "", csvHeader, "# note", "", rowGP, "ZV;x;;;;;;;;;;;;"),
			[]want{{7, "agbcode", "exactly 8 digits"}, {7, "begindatum", "required"},
				{7, "status", "required"}, {7, "achternaam", "required"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			regs, lineErrs, err := ParseRegisterCSV(strings.NewReader(tt.file))
			if err != nil {
				t.Fatalf("file error %v, want line errors", err)
			}
			if regs != nil {
				t.Fatalf("a file with bad lines returned %d registrations", len(regs))
			}
			if len(lineErrs) != len(tt.want) {
				t.Fatalf("line errors = %v, want %d", lineErrs, len(tt.want))
			}
			for _, w := range tt.want {
				found := false
				for _, le := range lineErrs {
					if le.Line == w.line && le.Column == w.column && strings.Contains(le.Reason, w.reason) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing line error %+v in %v", w, lineErrs)
				}
			}
			for i := 1; i < len(lineErrs); i++ {
				if lineErrs[i-1].Line > lineErrs[i].Line {
					t.Errorf("line errors not sorted: %v", lineErrs)
				}
			}
		})
	}
}

func TestParseRegisterCSVBadFile(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string
	}{
		{"empty", "", "the file is empty"},
		{"only comments", "# nothing\n", "the file is empty"},
		{"missing column", csvFile(strings.TrimSuffix(csvHeader, ";rol"), rowGP), `missing column "rol"`},
		{"unknown column", csvFile(csvHeader + ";plaats"), `unknown column "plaats"`},
		{"duplicate column", csvFile(csvHeader + ";agbcode"), `column "agbcode" appears twice`},
		{"comma separated", csvFile(strings.ReplaceAll(csvHeader, ";", ",")), "the separator must be ; (semicolon)"},
		{"data row where the header should be", csvFile(rowGP), `unknown column "ZV"`},
		{"recordtype not first", csvFile("agbcode;recordtype;begindatum;einddatum;status;achternaam;voorvoegsel;voorletters;voornaam;naam;kwalificatie;relatie_agbcode;relatiesoort;rol"),
			`"recordtype" must be the first column, it is column 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			regs, lineErrs, err := ParseRegisterCSV(strings.NewReader(tt.file))
			if !errors.Is(err, ErrInvalidRegisterFile) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalidRegisterFile containing %q", err, tt.want)
			}
			if regs != nil || lineErrs != nil {
				t.Fatalf("returned %v, %v with a file error", regs, lineErrs)
			}
		})
	}
}

type failingReader struct{ after string }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.after)
	f.after = f.after[n:]
	return n, nil
}

func TestParseRegisterCSVReadError(t *testing.T) {
	_, _, err := ParseRegisterCSV(&failingReader{after: csvHeader + "\n" + rowGP + "\n"})
	if !errors.Is(err, ErrInvalidRegisterFile) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestRegisterCSVRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/register-example.csv")
	if err != nil {
		t.Fatal(err)
	}
	regs, lineErrs, err := ParseRegisterCSV(bytes.NewReader(data))
	if err != nil || lineErrs != nil {
		t.Fatal(err, lineErrs)
	}
	var buf bytes.Buffer
	if err := WriteRegisterCSV(&buf, regs); err != nil {
		t.Fatal(err)
	}
	again, lineErrs, err := ParseRegisterCSV(&buf)
	if err != nil || lineErrs != nil {
		t.Fatal(err, lineErrs)
	}
	if !reflect.DeepEqual(regs, again) {
		t.Fatalf("round trip changed the registrations:\n%+v\n%+v", regs, again)
	}
	bad := gp()
	bad.Status = ""
	if err := WriteRegisterCSV(&bytes.Buffer{}, []Registration{bad}); !errors.Is(err, ErrInvalidRegistration) {
		t.Fatalf("WriteRegisterCSV wrote an invalid registration: %v", err)
	}
}

func TestLineErrorString(t *testing.T) {
	if got := (LineError{Line: 3, Column: "agbcode", Reason: "x"}).Error(); got != "line 3: agbcode: x" {
		t.Errorf("got %q", got)
	}
	if got := (LineError{Line: 3, Reason: "x"}).Error(); got != "line 3: x" {
		t.Errorf("got %q", got)
	}
}

// FuzzParseRegisterCSV proves the parser never panics and that whatever it
// accepts is valid register data.
func FuzzParseRegisterCSV(f *testing.F) {
	seeds := []string{
		csvFile(csvHeader, rowGP, rowGPKwal, rowPractice, rowLocation, rowLocOf, rowWorksAt),
		csvFile(csvHeader, `ZV;01900002;2010-03-01;;actief;Vr"ies;;;;;;;;`),
		csvFile(csvHeader, "\"unterminated"),
		"\uFEFF" + csvHeader,
		"",
		";;;\n;;;",
	}
	if data, err := os.ReadFile("testdata/register-example.csv"); err == nil {
		seeds = append(seeds, string(data))
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		regs, lineErrs, err := ParseRegisterCSV(strings.NewReader(in))
		if err != nil && (regs != nil || lineErrs != nil) {
			t.Fatal("file error together with results")
		}
		if len(lineErrs) > 0 && regs != nil {
			t.Fatal("registrations returned despite line errors")
		}
		for _, r := range regs {
			if err := r.Validate(); err != nil {
				t.Fatalf("accepted an invalid registration: %v", err)
			}
		}
		for _, le := range lineErrs {
			if le.Line < 1 || le.Reason == "" {
				t.Fatalf("bad line error %+v", le)
			}
		}
	})
}

// FuzzParseCode proves code parsing never panics and accepts only 8 ASCII
// digits with a known zorgsoort.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"01000404", "00000000", "", "0100040", "٠١٠٠٠٤٠٤", "99999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		if len(c) != 8 || !allDigits(string(c)) || c == None {
			t.Fatalf("accepted %q", s)
		}
		if _, ok := c.Zorgsoort().Info(); !ok {
			t.Fatalf("accepted unknown zorgsoort in %q", s)
		}
	})
}
