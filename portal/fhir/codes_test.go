package fhir

import (
	"testing"

	"zorgverlenersportaal/portal/dossier"
)

func cc(system, code string) *CodeableConcept {
	return &CodeableConcept{Coding: []Coding{{System: system, Code: code}}}
}

func TestReportKind(t *testing.T) {
	tests := []struct {
		name     string
		category string
		code     *CodeableConcept
		want     dossier.ReportKind
	}{
		{"radiology by category", "RAD", cc(SystemLOINC, "36643-5"), dossier.ReportRadiology},
		{"CT by category", "CT", nil, dossier.ReportRadiology},
		{"radiology by LOINC", "", cc(SystemLOINC, "18748-4"), dossier.ReportRadiology},
		{"surgical pathology", "SP", nil, dossier.ReportPathology},
		{"pathology by LOINC", "", cc(SystemLOINC, "11526-1"), dossier.ReportPathology},
		{"ECG by category", "EC", nil, dossier.ReportECG},
		{"ECG by LOINC", "", cc(SystemLOINC, "11524-6"), dossier.ReportECG},
		{"Holter beats its EC category", "EC", cc(SystemLOINC, "18754-2"), dossier.ReportHolter},
		{"Holter by SNOMED", "", cc(SystemSNOMED, "86184003"), dossier.ReportHolter},
		{"spirometry by category", "PF", nil, dossier.ReportSpirometry},
		{"spirometry by LOINC", "", cc(SystemLOINC, "81459-0"), dossier.ReportSpirometry},
		{"laboratory panel", "LAB", cc(SystemLOINC, "58410-2"), dossier.ReportLaboratory},
		{"haematology section", "HM", nil, dossier.ReportLaboratory},
		{"unknown", "XYZ", cc(SystemLOINC, "1-8"), dossier.ReportOther},
		{"nothing", "", nil, dossier.ReportOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cats []CodeableConcept
			if tt.category != "" {
				cats = []CodeableConcept{*cc(SystemDiagnosticService, tt.category)}
			}
			if got := reportKind(cats, tt.code); got != tt.want {
				t.Errorf("reportKind = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestLetterKind(t *testing.T) {
	tests := []struct {
		code string
		want dossier.LetterKind
	}{
		{"18842-5", dossier.LetterDischarge},
		{"68609-7", dossier.LetterDischarge},
		{"34105-7", dossier.LetterDischarge},
		{"51852-2", dossier.LetterSpecialist},
		{"11488-4", dossier.LetterSpecialist},
		{"34099-2", dossier.LetterSpecialist},
		{"57133-1", dossier.LetterReferral},
		{"28570-0", dossier.LetterOther},
	}
	for _, tt := range tests {
		got, code := letterKind(cc(SystemLOINC, tt.code))
		if got != tt.want || code != tt.code {
			t.Errorf("letterKind(%s) = %s, %s; want %s", tt.code, got, code, tt.want)
		}
	}
	if got, _ := letterKind(nil); got != dossier.LetterOther {
		t.Errorf("letterKind(nil) = %s", got)
	}
	if got, _ := letterKind(cc("http://example.org/local", "18842-5")); got != dossier.LetterOther {
		t.Errorf("a discharge code in another system counts as LOINC: %s", got)
	}
}

func TestEncounterClass(t *testing.T) {
	tests := map[string]dossier.EncounterClass{
		"IMP": dossier.ClassInpatient, "ACUTE": dossier.ClassInpatient, "SS": dossier.ClassInpatient,
		"AMB": dossier.ClassOutpatient, "EMER": dossier.ClassEmergency, "HH": dossier.ClassHome,
		"VR": dossier.ClassVirtual, "FLD": dossier.ClassOther, "imp": dossier.ClassInpatient,
	}
	for code, want := range tests {
		if got := encounterClass(&Coding{System: SystemActCode, Code: code}); got != want {
			t.Errorf("encounterClass(%s) = %s, want %s", code, got, want)
		}
	}
	if got := encounterClass(nil); got != dossier.ClassOther {
		t.Errorf("encounterClass(nil) = %s", got)
	}
}

func TestObservationTarget(t *testing.T) {
	cat := func(code string) []CodeableConcept { return []CodeableConcept{*cc(SystemObservationCategory, code)} }
	tests := []struct {
		name     string
		obs      Observation
		target   string
		category string
	}{
		{"laboratory", Observation{Category: cat("laboratory")}, "lab", "laboratory"},
		{"vital signs", Observation{Category: cat("vital-signs")}, "vital", "vital-signs"},
		{"survey is skipped", Observation{Category: cat("survey")}, "", "survey"},
		{"social history is skipped", Observation{Category: cat("social-history")}, "", "social-history"},
		{"blood pressure without category", Observation{Code: cc(SystemLOINC, "85354-9")}, "vital", "vital-signs"},
		{"unknown without category", Observation{Code: cc(SystemLOINC, "2823-3")}, "", ""},
	}
	for _, tt := range tests {
		target, category := observationTarget(&tt.obs)
		if target != tt.target || category != tt.category {
			t.Errorf("%s: observationTarget = %q, %q; want %q, %q", tt.name, target, category, tt.target, tt.category)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2024", "2024-01-01T00:00:00Z"},
		{"2024-03", "2024-03-01T00:00:00Z"},
		{"2024-03-15", "2024-03-15T00:00:00Z"},
		{"2024-03-15T10:20:30+01:00", "2024-03-15T09:20:30Z"},
		{"2014-02-17T21:25:11.753+00:00", "2014-02-17T21:25:11.753Z"},
	}
	for _, tt := range tests {
		got, err := parseDateTime(tt.in)
		if err != nil || got.Format("2006-01-02T15:04:05.999Z07:00") != tt.want {
			t.Errorf("parseDateTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseDateTime("15-03-2024"); err == nil {
		t.Error("a Dutch-format date parsed as FHIR")
	}
}

func TestDutchName(t *testing.T) {
	n := HumanName{
		Use: "official", Family: "van der Berg",
		FamilyExt: &Element{Extension: []Extension{{URL: ExtensionOwnPrefix, ValueString: "van der"}, {URL: ExtensionOwnName, ValueString: "Berg"}}},
		Given:     []string{"Jan", "H.", "P"},
		GivenExt: []Element{{}, {Extension: []Extension{{URL: ExtensionNameQualifier, ValueCode: "IN"}}},
			{Extension: []Extension{{URL: ExtensionNameQualifier, ValueCode: "IN"}}}},
	}
	// Initials after a written first name are those of the names not written out (zib NameInformation).
	family, prefix, given, initials := dutchName([]HumanName{{Use: "usual", Family: "Jantje"}, n})
	if family != "Berg" || prefix != "van der" || given != "Jan H.P." || initials != "J.H.P." {
		t.Errorf("dutchName = %q %q %q %q", family, prefix, given, initials)
	}
	family, prefix, given, initials = dutchName([]HumanName{{Family: "de Vries", Given: []string{"Anna", "Maria"}}})
	if family != "de Vries" || prefix != "" || given != "Anna Maria" || initials != "A.M." {
		t.Errorf("without extensions: %q %q %q %q", family, prefix, given, initials)
	}
}

func TestStrengthText(t *testing.T) {
	one := 1.0
	five := 500.0
	hundred := 100.0
	tests := []struct {
		r    *Ratio
		want string
	}{
		{&Ratio{Numerator: &Quantity{Value: &five, Unit: "mg"}, Denominator: &Quantity{Value: &one, Unit: "stuk"}}, "500 mg"},
		{&Ratio{Numerator: &Quantity{Value: &hundred, Unit: "E"}, Denominator: &Quantity{Value: &one, Unit: "ml"}}, "100 E/ml"},
		{&Ratio{Numerator: &Quantity{Value: &five, Unit: "mg"}}, "500 mg"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := ratioText(tt.r); got != tt.want {
			t.Errorf("ratioText = %q, want %q", got, tt.want)
		}
	}
}
