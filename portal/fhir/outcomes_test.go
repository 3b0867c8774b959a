package fhir_test

import (
	"context"
	"strings"
	"testing"
)

// nlCareTeam is an ordinary nl-core care team: its participants' roles are SNOMED codes, not the portal's
// relationship kinds.
func nlCareTeam(id string) res {
	return res{
		"resourceType": "CareTeam", "id": id, "status": "active", "subject": ref("urn:uuid:p1"),
		"period": map[string]any{"start": "2026-01-01"},
		"participant": []any{map[string]any{
			"role":   []any{coding("http://snomed.info/sct", "158965000", "Medical practitioner")},
			"member": ref("urn:uuid:prac"),
		}},
	}
}

// TestSkippedIsNotRejected: what the portal does not use or cannot use is skipped with its reason and
// counted apart; only wrong data is rejected.
func TestSkippedIsNotRejected(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	prac := res{"resourceType": "Practitioner", "id": "prac", "name": []any{map[string]any{"text": "dr. M. Hoekstra"}},
		"identifier": []any{identifier(agbSystem, "01012345")}}
	org := res{"resourceType": "Organization", "id": "org", "name": "Huisartsenpraktijk De Linde",
		"identifier": []any{identifier(uraSystem, "00012345")}}
	r := env.im.ImportBytes(ctx, "nl-core.json", bundleJSON(t, "transaction",
		patientRes("p1", "999993653", "Jansen"), prac, org,
		nlCareTeam("ct-nl"),
		res{"resourceType": "EpisodeOfCare", "id": "ep-nl", "status": "active", "patient": ref("urn:uuid:p1"),
			"managingOrganization": ref("urn:uuid:org"), "period": map[string]any{"start": "2026-01-01"}},
		res{"resourceType": "PractitionerRole", "id": "role-org", "organization": ref("urn:uuid:org")},
		res{"resourceType": "PractitionerRole", "id": "role-none", "specialty": []any{coding("urn:oid:2.16.840.1.113883.2.4.6.7", "4402", "Orthoptisten")}},
		res{"resourceType": "Questionnaire", "id": "q1", "status": "active"},
		res{"resourceType": "QuestionnaireResponse", "id": "qr1", "status": "completed", "subject": ref("urn:uuid:p1")},
		res{"resourceType": "Goal", "id": "goal1", "lifecycleStatus": "active", "subject": ref("urn:uuid:p1")},
		// Wrong: a participant coded with the portal's kinds, but a kind that does not exist.
		with(nlCareTeam("ct-bad"), "participant", []any{map[string]any{
			"role":   []any{coding("https://zorgverlenersportaal.nl/fhir/CodeSystem/relationship-kind", "best_friend", "")},
			"member": ref("urn:uuid:prac"),
		}}),
	))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Rejected) != 1 || r.Rejected[0].Resource != "CareTeam/ct-bad" || !strings.Contains(r.Rejected[0].Reason, "best_friend") {
		t.Errorf("rejected %+v: want only CareTeam/ct-bad, for its unknown relationship kind", r.Rejected)
	}
	for typ, want := range map[string]int{
		"CareTeam": 1, "EpisodeOfCare": 1, "PractitionerRole": 1, "Questionnaire": 1, "QuestionnaireResponse": 1, "Goal": 1,
	} {
		if c := r.Counts[typ]; c == nil || c.Skipped != want {
			t.Errorf("%s counts %+v, want %d skipped", typ, c, want)
		}
	}
	if c := r.Counts["PractitionerRole"]; c == nil || c.Imported != 1 {
		t.Errorf("a PractitionerRole of an organisation is imported (references to it mean the organisation): %+v", c)
	}
	reasons := strings.Join(mapKeys(r.Skipped), "\n")
	for _, want := range []string{"CareTeam without a participant role", "EpisodeOfCare without a type", "QuestionnaireResponse is not imported",
		"PractitionerRole without practitioner"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("skipped reasons lack %q:\n%s", want, reasons)
		}
	}
	if tot := r.Total(); tot.Rejected != 1 || tot.Skipped != 6 {
		t.Errorf("total %+v: want 6 skipped, 1 rejected", tot)
	}
	if c := env.counts(t); c["relationships"] != 0 {
		t.Errorf("%d relationships from care teams without portal roles", c["relationships"])
	}
}

// TestCareTeamLosingItsRolesEndsItsRelationships: a care team that made a relationship before and now
// carries no portal role is not skipped: its relationship ends.
func TestCareTeamLosingItsRolesEndsItsRelationships(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	prac := res{"resourceType": "Practitioner", "id": "prac", "name": []any{map[string]any{"text": "dr. M. Hoekstra"}},
		"identifier": []any{identifier(agbSystem, "01012345")}}
	withRole := with(nlCareTeam("ct"), "participant", []any{map[string]any{
		"role":   []any{coding("https://zorgverlenersportaal.nl/fhir/CodeSystem/relationship-kind", "referrer", "")},
		"member": ref("urn:uuid:prac"),
	}})
	env.load(t, "v1.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), prac, withRole))
	p := env.patient(t, "p1")
	rels, err := env.st.Relationships(ctx, p.ID)
	if err != nil || len(rels) != 1 || rels[0].EndedAt != nil {
		t.Fatalf("relationships after v1: %+v %v", rels, err)
	}
	r := env.load(t, "v2.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), prac, nlCareTeam("ct")))
	if c := r.Counts["CareTeam"]; c == nil || c.Updated != 1 {
		t.Errorf("CareTeam counts %+v, want updated", c)
	}
	rels, _ = env.st.Relationships(ctx, p.ID)
	if len(rels) != 1 || rels[0].EndedAt == nil {
		t.Errorf("the relationship of a care team without portal roles should have ended: %+v", rels)
	}
}

// TestReportsWithNothingToShowAreNotListed: a questionnaire report whose answers the portal skips is not
// an empty document in the list; one that had content before and has none now leaves it.
func TestReportsWithNothingToShowAreNotListed(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	survey := res{"resourceType": "Observation", "id": "phq", "status": "final", "subject": ref("urn:uuid:p1"),
		"category":          []any{coding("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")},
		"code":              coding("http://loinc.org", "44261-6", "PHQ-9 total score"),
		"effectiveDateTime": "2026-01-10T08:00:00+01:00", "valueQuantity": map[string]any{"value": 4}}
	report := func(id string, extra ...any) res {
		return with(res{"resourceType": "DiagnosticReport", "id": id, "status": "final", "subject": ref("urn:uuid:p1"),
			"code":              coding("http://loinc.org", "44249-1", "PHQ-9 quick depression assessment panel"),
			"effectiveDateTime": "2026-01-10T08:00:00+01:00", "result": []any{ref("urn:uuid:phq")}}, extra...)
	}
	r := env.im.ImportBytes(ctx, "survey.json", bundleJSON(t, "transaction",
		patientRes("p1", "999993653", "Jansen"), survey,
		report("questionnaire"),
		report("concluded", "conclusion", "Geen aanwijzingen voor depressie"),
		labRes("k", "urn:uuid:p1", "2823-3", 4.1, "mmol/L"),
		report("lab", "result", []any{ref("urn:uuid:k")},
			"category", []any{coding("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory")}),
	))
	if r.Err != nil || len(r.Rejected) > 0 {
		t.Fatalf("%v %v", r.Err, r.Rejected)
	}
	if c := r.Counts["DiagnosticReport"]; c == nil || c.Skipped != 1 || c.Imported != 2 {
		t.Errorf("DiagnosticReport counts %+v: want the questionnaire report skipped, two imported", c)
	}
	p := env.patient(t, "p1")
	listed := func() []string {
		reports, err := env.st.Reports(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, rep := range reports {
			ids = append(ids, deref(rep.FHIRID))
		}
		return ids
	}
	if ids := strings.Join(listed(), ","); strings.Contains(ids, "questionnaire") || !strings.Contains(ids, "concluded") || !strings.Contains(ids, "lab") {
		t.Errorf("listed reports %s", ids)
	}

	// The concluded report comes again without its conclusion: nothing left to show, so it leaves the list.
	r = env.load(t, "again.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), survey, report("concluded")))
	if c := r.Counts["DiagnosticReport"]; c == nil || c.Updated != 1 {
		t.Errorf("DiagnosticReport counts %+v, want updated", c)
	}
	if ids := strings.Join(listed(), ","); ids != "lab" {
		t.Errorf("listed reports %s, want only lab", ids)
	}
}

func mapKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestEpisodeLosingItsKindEndsItsRelationship: the same for an EpisodeOfCare whose type no longer carries
// a relationship kind.
func TestEpisodeLosingItsKindEndsItsRelationship(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	org := res{"resourceType": "Organization", "id": "org", "name": "Huisartsenpraktijk De Linde",
		"identifier": []any{identifier(uraSystem, "00012345")}}
	episode := res{"resourceType": "EpisodeOfCare", "id": "ep", "status": "active", "patient": ref("urn:uuid:p1"),
		"type":                 []any{coding("https://zorgverlenersportaal.nl/fhir/CodeSystem/relationship-kind", "referrer", "")},
		"managingOrganization": ref("urn:uuid:org"), "period": map[string]any{"start": "2026-01-01"}}
	env.load(t, "v1.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), org, episode))
	r := env.load(t, "v2.json", bundleJSON(t, "transaction", patientRes("p1", "999993653", "Jansen"), org, with(episode, "type", nil)))
	if c := r.Counts["EpisodeOfCare"]; c == nil || c.Updated != 1 {
		t.Errorf("EpisodeOfCare counts %+v, want updated", c)
	}
	rels, err := env.st.Relationships(ctx, env.patient(t, "p1").ID)
	if err != nil || len(rels) != 1 || rels[0].EndedAt == nil || rels[0].EndReason == nil || !strings.Contains(*rels[0].EndReason, "no longer carries") {
		t.Errorf("the episode's relationship should have ended: %+v %v", rels, err)
	}
}
