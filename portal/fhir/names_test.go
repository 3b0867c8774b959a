package fhir

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"zorgverlenersportaal/portal/dutchname"
)

// zibNameSamples finds the nl-core example bundles through ZVP_SHARED_DIR (default ../shared next to the
// repository) and skips, saying so, when they are absent.
func zibNameSamples(t *testing.T) string {
	t.Helper()
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			t.Fatal(err)
		}
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, "fhir-samples", "nictiz", "zib2020")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the shared nl-core samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	return dir
}

// TestNameInformationSamples reads the name of every nl-core example Patient (the six NameInformation
// patterns among them) and holds the portal's rendering against the text the source itself gives the
// official name, and against the parts a Dutch reader expects.
func TestNameInformationSamples(t *testing.T) {
	dir := zibNameSamples(t)
	want := map[string]struct {
		given, family, initials string
		order                   dutchname.Order
	}{
		"bundle-nl-core-Patient-01.json":                                    {"Johanna Petronella Maria (Jo)", "van Putten-van der Giessen", "J.P.M.", dutchname.OwnPartner},
		"bundle-nl-core-NameInformation-complete.json":                      {"Johanna Petronella Maria (Jo)", "van der Giessen-van Putten", "J.P.M.", dutchname.PartnerOwn},
		"bundle-nl-core-NameInformation-firstNames.json":                    {"Hendrik Johan Willem (Henk)", "Schemer", "H.J.W.", dutchname.Unknown},
		"bundle-nl-core-NameInformation-firstNamesAndInitials.json":         {"Hendrik J.W. (Henk)", "Schemer", "H.J.W.", dutchname.Unknown},
		"bundle-nl-core-NameInformation-firstNamesAndInitialsSeparate.json": {"Hendrik Willem (Henk)", "Schemer", "H.J.W.", dutchname.Unknown},
		"bundle-nl-core-NameInformation-initials.json":                      {"H.J.W. (Henk)", "Schemer", "H.J.W.", dutchname.Unknown},
		"bundle-nl-core-TreatmentDirective2-02-Patient-01.json":             {"Jan Pieter Mark (Piet)", "Pietersen", "J.P.M.", dutchname.Own},
	}
	for file, w := range want {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			var b struct {
				Entry []struct {
					Resource json.RawMessage `json:"resource"`
				} `json:"entry"`
			}
			if err := json.Unmarshal(data, &b); err != nil {
				t.Fatal(err)
			}
			var p *Patient
			for _, e := range b.Entry {
				var typ struct {
					ResourceType string `json:"resourceType"`
				}
				if json.Unmarshal(e.Resource, &typ) != nil || typ.ResourceType != "Patient" {
					continue
				}
				p = &Patient{}
				if err := json.Unmarshal(e.Resource, p); err != nil {
					t.Fatal(err)
				}
			}
			if p == nil {
				t.Fatal("no Patient")
			}
			n := nameInformation(p.Name)
			if n.Given() != w.given || n.Family() != w.family || n.Initials != w.initials || n.Order != w.order {
				t.Errorf("given %q family %q initials %q order %q; want %q %q %q %q", n.Given(), n.Family(), n.Initials, n.Order,
					w.given, w.family, w.initials, w.order)
			}
			// The source's own text of the official name is the name without the calling name.
			text := ""
			for _, hn := range p.Name {
				if hn.Use == "official" && hn.Family != "" {
					text = hn.Text
				}
			}
			withoutCalling := n
			withoutCalling.CallingName = ""
			if text == "" || withoutCalling.Full() != text {
				t.Errorf("written %q, the source writes %q", withoutCalling.Full(), text)
			}
		})
	}
}

// TestNameInformationCases covers what the samples do not: an explicit NL2, an order inferred from how
// family is written, a partner name without an own-name extension, a calling name by qualifier, initials
// without full stops, and a name from outside the Dutch profiles.
func TestNameInformationCases(t *testing.T) {
	ext := func(url, v string) Extension { return Extension{URL: url, ValueString: v} }
	qual := func(code string) Element {
		return Element{Extension: []Extension{{URL: ExtensionNameQualifier, ValueCode: code}}}
	}
	tests := []struct {
		name         string
		names        []HumanName
		full, family string
	}{
		{"NL2 writes the partner's name only", []HumanName{{Use: "official", Family: "de Boer",
			Extension: []Extension{{URL: ExtensionAssemblyOrder, ValueCode: "NL2"}},
			FamilyExt: &Element{Extension: []Extension{ext(ExtensionOwnName, "Jansen"), ext(ExtensionPartnerPrefix, "de"), ext(ExtensionPartnerName, "Boer")}},
			Given:     []string{"Els"}}}, "Els de Boer", "de Boer"},
		{"order inferred from family (NL3)", []HumanName{{Use: "official", Family: "de Boer-Jansen",
			FamilyExt: &Element{Extension: []Extension{ext(ExtensionOwnName, "Jansen"), ext(ExtensionPartnerPrefix, "de"), ext(ExtensionPartnerName, "Boer")}},
			Given:     []string{"Els"}}}, "Els de Boer-Jansen", "de Boer-Jansen"},
		{"no order and a family that matches none: the own name (BRP default)", []HumanName{{Use: "official", Family: "Something else",
			FamilyExt: &Element{Extension: []Extension{ext(ExtensionOwnName, "Jansen"), ext(ExtensionPartnerName, "Boer")}},
			Given:     []string{"Els"}}}, "Els Jansen", "Jansen"},
		{"calling name by qualifier CL, initials without full stops", []HumanName{{Use: "official", Family: "Smit",
			Given: []string{"Willem", "J", "Wim"}, GivenExt: []Element{qual("BR"), qual("IN"), qual("CL")}}}, "Willem J. (Wim) Smit", "Smit"},
		{"no Dutch extensions: family as sent", []HumanName{{Family: "O'Brien", Given: []string{"Mary", "Ann"}}}, "Mary Ann O'Brien", "O'Brien"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := nameInformation(tt.names)
			if n.Full() != tt.full || n.Family() != tt.family {
				t.Errorf("Full %q Family %q, want %q %q (%+v)", n.Full(), n.Family(), tt.full, tt.family, n)
			}
		})
	}
}
