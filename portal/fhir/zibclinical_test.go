package fhir_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/fhir"
)

// directiveRes is a zib TreatmentDirective2 (Consent, scope treatment) about resuscitation.
func directiveRes(id string, kv ...any) res {
	r := res{"resourceType": "Consent", "id": id, "status": "active", "patient": ref("urn:uuid:p1"), "dateTime": "2026-11-01",
		"scope":     coding(fhir.SystemConsentScope, "treatment", ""),
		"category":  []any{coding("http://snomed.info/sct", "129125009", "verrichting met expliciete context")},
		"provision": map[string]any{"type": "deny", "code": []any{coding("http://snomed.info/sct", "89666000", "Cardiopulmonale resuscitatie")}}}
	return with(r, kv...)
}

// TestTreatmentDirectiveDecisions: the decision of a zib TreatmentDirective2 is kept apart from the
// treatment, "other" carries its specification, and a directive whose meaning the portal cannot be sure
// of is rejected with the reason rather than shown wrongly.
func TestTreatmentDirectiveDecisions(t *testing.T) {
	ctx := context.Background()
	other := map[string]any{"url": fhir.ExtensionSpecificationOther, "valueString": "eerst overleg met echtgenote"}
	noType := map[string]any{"code": []any{coding("http://snomed.info/sct", "89666000", "Cardiopulmonale resuscitatie")}}
	tests := []struct {
		name     string
		r        res
		decision dossier.Decision
		rejected string
		skipped  bool
		kind     dossier.LimitKind
	}{
		{"deny", directiveRes("d1"), dossier.DecisionDeny, "", false, dossier.LimitDirective},
		{"permit", directiveRes("d1", "provision", map[string]any{"type": "permit", "code": noType["code"]}), dossier.DecisionPermit, "", false, dossier.LimitDirective},
		{"other with its specification", directiveRes("d1", "modifierExtension", []any{other}, "provision", noType), dossier.DecisionOther, "", false, dossier.LimitDirective},
		// The portal's own profile states the limit in provision.code: shown as that statement.
		{"deny in the portal's own profile", directiveRes("d1", "category", []any{coding("http://snomed.info/sct", "11291000146105", "Behandelaanwijzing")}),
			dossier.DecisionDeny, "", false, dossier.LimitFlag},
		{"other and a type together", directiveRes("d1", "modifierExtension", []any{other}), "", "zib-TreatmentDirective2-2", false, ""},
		{"an unknown modifier extension", directiveRes("d1", "modifierExtension", []any{map[string]any{"url": "http://example.org/x", "valueString": "?"}}), "", "not understood", false, ""},
		{"an unknown provision type", directiveRes("d1", "provision", map[string]any{"type": "maybe", "code": noType["code"]}), "", "not permit or deny", false, ""},
		{"no treatment", directiveRes("d1", "provision", map[string]any{"type": "deny"}, "category", nil), "", "provision.code", false, ""},
		{"entered in error", directiveRes("d1", "status", "entered-in-error"), "", "", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			r := env.im.ImportBytes(ctx, "d.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), tt.r))
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			reason, rejected := rejectedFor(r, "Consent/d1")
			p := env.patient(t, "p1")
			limits, _ := env.st.TreatmentLimits(ctx, p.ID)
			switch {
			case tt.rejected != "":
				if !rejected || !strings.Contains(reason, tt.rejected) || len(limits) != 0 {
					t.Errorf("rejection %q (want one naming %q), %d limits stored", reason, tt.rejected, len(limits))
				}
			case tt.skipped:
				if rejected || r.Counts["Consent"].Skipped != 1 || len(limits) != 0 {
					t.Errorf("not skipped: %+v %q", r.Counts["Consent"], reason)
				}
			default:
				if rejected || len(limits) != 1 || limits[0].Decision != tt.decision || limits[0].Description != "Cardiopulmonale resuscitatie" ||
					limits[0].Kind != tt.kind {
					t.Errorf("rejected %q, limits %+v", reason, limits)
				}
				if tt.decision == dossier.DecisionOther && limits[0].Specification != "eerst overleg met echtgenote" {
					t.Errorf("specification %q", limits[0].Specification)
				}
			}
		})
	}
}

// TestConsentWithUnknownModifierIsRejected: a consent to share whose meaning a modifier extension changes
// is not read as a plain permit.
func TestConsentWithUnknownModifierIsRejected(t *testing.T) {
	env := newTestEnv(t)
	c := res{"resourceType": "Consent", "id": "c1", "status": "active", "patient": ref("urn:uuid:p1"), "dateTime": "2026-11-01",
		"modifierExtension": []any{map[string]any{"url": "http://example.org/only-in-emergencies", "valueBoolean": true}},
		"scope":             coding(fhir.SystemConsentScope, "patient-privacy", ""),
		"performer":         []any{ref("urn:uuid:p1")},
		"provision": map[string]any{"type": "permit", "actor": []any{map[string]any{
			"role": coding(fhir.SystemRecipientCategory, "huisartsen", ""), "reference": map[string]any{"display": "huisartsen"}}}}}
	r := env.im.ImportBytes(context.Background(), "c.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), c))
	if reason, ok := rejectedFor(r, "Consent/c1"); !ok || !strings.Contains(reason, "modifierExtension") {
		t.Errorf("consent with an unknown modifier extension: %q", reason)
	}
}

// TestAllergyLabelsInput: criticality and reaction severity are two fields; the worst reaction counts;
// a value outside the FHIR code tables is rejected with the reason; a Dutch translation of a display
// beats the English display.
func TestAllergyLabelsInput(t *testing.T) {
	ctx := context.Background()
	dutch := map[string]any{"coding": []any{map[string]any{"system": "http://snomed.info/sct", "code": "271807003", "display": "Eruption of skin",
		"_display": map[string]any{"extension": []any{map[string]any{"url": fhir.ExtensionTranslation, "extension": []any{
			map[string]any{"url": "lang", "valueCode": "nl-NL"}, map[string]any{"url": "content", "valueString": "huiduitslag"}}}}}}}}
	allergy := func(kv ...any) res {
		return with(res{"resourceType": "AllergyIntolerance", "id": "a1", "patient": ref("urn:uuid:p1"), "criticality": "low",
			"code": coding("http://snomed.info/sct", "764146007", "Penicilline"),
			"reaction": []any{
				map[string]any{"manifestation": []any{dutch}, "severity": "mild"},
				map[string]any{"manifestation": []any{coding("http://snomed.info/sct", "39579001", "Anafylaxie")}, "severity": "severe"},
			}}, kv...)
	}
	env := newTestEnv(t)
	env.load(t, "a.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), allergy()))
	all, _ := env.st.Allergies(ctx, env.patient(t, "p1").ID)
	if len(all) != 1 || all[0].Criticality != "low" || all[0].ReactionSeverity != "severe" || all[0].Reaction != "huiduitslag; Anafylaxie" {
		t.Errorf("allergy %+v", all)
	}
	for _, bad := range []struct {
		r    res
		want string
	}{
		{allergy("criticality", "very"), "criticality"},
		{allergy("reaction", []any{map[string]any{"manifestation": []any{dutch}, "severity": "ernstig"}}), "reaction[0].severity"},
	} {
		env := newTestEnv(t)
		r := env.im.ImportBytes(ctx, "a.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), bad.r))
		if reason, ok := rejectedFor(r, "AllergyIntolerance/a1"); !ok || !strings.Contains(reason, bad.want) {
			t.Errorf("rejection %q, want one naming %s", reason, bad.want)
		}
	}
}

// TestMedicalDeviceInput: a DeviceUseStatement takes what the device is from its Device, in the bundle or
// imported before; without a device it is rejected; a device that resolves nowhere breaks the bundle.
func TestMedicalDeviceInput(t *testing.T) {
	ctx := context.Background()
	device := res{"resourceType": "Device", "id": "dev1", "type": coding("http://snomed.info/sct", "14106009", "pacemaker"),
		"note": []any{map[string]any{"text": "Medtronic"}}}
	use := res{"resourceType": "DeviceUseStatement", "id": "u1", "status": "active", "subject": ref("urn:uuid:p1"),
		"device": ref("urn:uuid:dev1"), "timingPeriod": map[string]any{"start": "2004-02-10"},
		"bodySite": coding("http://snomed.info/sct", "1", "subclavia")}
	env := newTestEnv(t)
	env.load(t, "dev.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), device))
	// The statement arrives in a later bundle: the Device is found among the imported resources.
	env.load(t, "use.json", bundleJSON(t, "transaction", with(patientRes("p1", "999993653", "Jansen")), with(use, "device", ref("Device/dev1"))))
	devices, _ := env.st.MedicalDevices(ctx, env.patient(t, "p1").ID)
	if len(devices) != 1 || devices[0].Display != "pacemaker" || devices[0].Description != "Medtronic" || devices[0].BodySite != "subclavia" ||
		devices[0].StartAt == nil {
		t.Errorf("devices %+v", devices)
	}
	r := env.im.ImportBytes(ctx, "nodevice.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), with(use, "id", "u2", "device", nil)))
	if reason, ok := rejectedFor(r, "DeviceUseStatement/u2"); !ok || !strings.Contains(reason, "needs device") {
		t.Errorf("statement without device: %q", reason)
	}
	r = env.im.ImportBytes(ctx, "broken.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), with(use, "id", "u3", "device", ref("Device/nowhere"))))
	if !errors.Is(r.Err, fhir.ErrBrokenReference) {
		t.Errorf("device that resolves nowhere: %v", r.Err)
	}
}

// TestVitalSignWithoutCategory: an Observation without category is a vital sign when its LOINC or
// SNOMED CT code is one; otherwise it is skipped with the reason.
func TestVitalSignWithoutCategory(t *testing.T) {
	ctx := context.Background()
	obs := func(id, system, code string) res {
		return res{"resourceType": "Observation", "id": id, "status": "final", "subject": ref("urn:uuid:p1"),
			"code": coding(system, code, "x"), "effectiveDateTime": "2026-11-01T10:00:00+01:00",
			"valueQuantity": map[string]any{"value": 72.5, "unit": "kg", "code": "kg"}}
	}
	env := newTestEnv(t)
	r := env.load(t, "v.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"),
		obs("o1", "http://snomed.info/sct", "27113001"), obs("o2", "http://loinc.org", "29463-7"), obs("o3", "http://loinc.org", "2947-0")))
	vitals, _ := env.st.VitalSigns(ctx, env.patient(t, "p1").ID)
	if len(vitals) != 2 || vitals[0].Kind() != dossier.VitalWeight || r.Counts["Observation"].Skipped != 1 {
		t.Errorf("vitals %+v, counts %+v", vitals, r.Counts["Observation"])
	}
}
