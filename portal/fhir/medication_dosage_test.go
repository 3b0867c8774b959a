package fhir

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDosageInstructionText writes structured MP9 dosages out in Dutch, one rule per case.
func TestDosageInstructionText(t *testing.T) {
	tests := []struct {
		name, dosage, cycle, want string
	}{
		{"frequency and dose", `[{"timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}],"route":{"coding":[{"display":"oraal"}]}}]`,
			"", "3 maal per dag 1 stuk, oraal"},
		{"parallel dosages, as needed, part of the day", `[{"sequence":1,"timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}],"route":{"coding":[{"display":"oraal"}]}},
			{"sequence":1,"timing":{"repeat":{"when":["EVE"]}},"asNeededCodeableConcept":{"coding":[{"code":"1028","display":"Bij pijn"}]},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}],"route":{"coding":[{"display":"oraal"}]}}]`,
			"", "3 maal per dag 1 stuk en Bij pijn 1 stuk 's avonds, oraal"},
		{"cyclic schedule with exact times", `[{"timing":{"repeat":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/timing-exact","valueBoolean":true}],"boundsDuration":{"value":14,"code":"d"},"timeOfDay":["09:00:00","21:00:00"]}},"doseAndRate":[{"doseQuantity":{"value":5,"unit":"stuk","code":"1"}}],"route":{"coding":[{"display":"oraal"}]}}]`,
			`{"value":21,"code":"d"}`, "cyclus van 21 dagen: steeds gedurende 14 dagen elke dag om 09:00 en 21:00 5 stuks - let op, exacte toedientijd(en), oraal"},
		{"phases, additional instruction once", `[{"sequence":1,"additionalInstruction":[{"text":"vóór het eten"}],"timing":{"repeat":{"boundsDuration":{"value":3,"code":"d"},"timeOfDay":["08:00:00","22:00:00"]}},"doseAndRate":[{"doseQuantity":{"value":2,"unit":"stuk","code":"1"}}],"route":{"coding":[{"display":"oraal"}]}},
			{"sequence":2,"additionalInstruction":[{"text":"vóór het eten"}],"timing":{"repeat":{"boundsDuration":{"value":7,"code":"d"},"timeOfDay":["08:00:00","14:00:00","22:00:00"]}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}],"route":{"coding":[{"display":"oraal"}]}}]`,
			"", "eerst gedurende 3 dagen elke dag om 08:00 en 22:00 2 stuks, dan gedurende 7 dagen elke dag om 08:00, 14:00 en 22:00 1 stuk, vóór het eten, oraal"},
		{"dose range and maximum", `[{"asNeededCodeableConcept":{"coding":[{"display":"Bij pijn"}]},"doseAndRate":[{"doseRange":{"low":{"value":1,"unit":"dosis","code":"1"},"high":{"value":2,"unit":"dosis","code":"1"}}}],"maxDosePerPeriod":{"numerator":{"value":3,"unit":"dosis","code":"1"},"denominator":{"value":1,"code":"d"}}}]`,
			"", "Bij pijn 1 à 2 doses, maximaal 3 doses per dag"},
		{"UCUM unit", `[{"timing":{"repeat":{"timeOfDay":["12:00:00"]}},"doseAndRate":[{"doseQuantity":{"value":0.6,"unit":"milliliter","code":"ml"}}],"route":{"coding":[{"display":"subcutaan"}]}}]`,
			"", "elke dag om 12:00 0.6 ml, subcutaan"},
		{"exact interval", `[{"timing":{"repeat":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/timing-exact","valueBoolean":true}],"frequency":1,"period":8,"periodUnit":"h"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}]}]`,
			"", "exact iedere 8 uur 1 stuk"},
		{"G-Standaard translation gives the unit", `[{"timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-PQ-translation","valueQuantity":{"value":2,"unit":"druppel","system":"urn:oid:2.16.840.1.113883.2.4.4.1.900.2","code":"246"}}],"value":2,"unit":"{drop}","code":"{drop}"}}]}]`,
			"", "2 maal per dag 2 druppels"},
		{"pause phase", `[{"sequence":1,"timing":{"repeat":{"boundsDuration":{"value":21,"code":"d"},"frequency":1,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}]},{"sequence":2,"timing":{"repeat":{"boundsDuration":{"value":7,"code":"d"}}}}]`,
			"", "eerst gedurende 21 dagen 1 maal per dag 1 stuk, dan gedurende 7 dagen pauze"},
		{"weekdays", `[{"timing":{"repeat":{"dayOfWeek":["mon","thu"],"timeOfDay":["08:00:00"]}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}]}]`,
			"", "op maandag en donderdag om 08:00 1 stuk"},
		{"cyclic schedule on the dosage instruction", `[{"modifierExtension":[{"url":"http://nictiz.nl/fhir/StructureDefinition/ext-InstructionsForUse.RepeatPeriodCyclicalSchedule","valueDuration":{"value":28,"code":"d"}}],"timing":{"repeat":{"boundsDuration":{"value":21,"code":"d"},"frequency":1,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"stuk","code":"1"}}]}]`,
			"", "cyclus van 28 dagen: steeds gedurende 21 dagen 1 maal per dag 1 stuk"},
		{"free text only", `[{"text":"volgens schema trombosedienst"}]`, "", "volgens schema trombosedienst"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ds []mpDosage
			if err := json.Unmarshal([]byte(tc.dosage), &ds); err != nil {
				t.Fatal(err)
			}
			var cycle *Quantity
			if tc.cycle != "" {
				cycle = &Quantity{}
				if err := json.Unmarshal([]byte(tc.cycle), cycle); err != nil {
					t.Fatal(err)
				}
			}
			if got := dosageInstructionText(ds, cycle); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestDosageTextMatchesRenderedSamples writes out the structured dosage of every record of the MP9 3.0
// qualification data and compares it with the rendered instruction the standard's own tooling sent
// beside it. Differences in letter case and the stray space before a comma of the tooling are ignored,
// and so is one known slip of the samples ("1 stuks").
func TestDosageTextMatchesRenderedSamples(t *testing.T) {
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		root, _ := filepath.Abs(filepath.Join("..", ".."))
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, "fhir-samples", "nictiz", "mp9-3.0-cert")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skipf("the shared MP9 3.0 samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	normal := strings.NewReplacer(" ,", ",", "1 stuks", "1 stuk")
	compared := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
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
		for _, e := range b.Entry {
			var m medicationResource
			if err := json.Unmarshal(e.Resource, &m); err != nil || m.Extension.find(extRenderedDosage) == nil {
				continue
			}
			ds := m.DosageInstruction
			if len(ds) == 0 && len(m.Dosage) > 0 {
				if err := json.Unmarshal(m.Dosage, &ds); err != nil {
					continue
				}
			}
			rendered := m.Extension.find(extRenderedDosage).ValueString
			got := dosageInstructionText(ds, cycleOf(m.ModifierExtension))
			compared++
			if strings.ToLower(normal.Replace(got)) != strings.ToLower(normal.Replace(rendered)) {
				t.Errorf("%s %s:\n got      %q\n rendered %q", filepath.Base(f), m.ID, got, rendered)
			}
		}
	}
	if compared < 50 {
		t.Errorf("only %d dosages compared", compared)
	}
}
