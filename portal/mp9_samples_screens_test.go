package portal_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// The MP9 3.0 qualification bundles (shared samples), all of them in one portal, read through the screens.

// mp9SamplesDir finds the shared MP9 3.0 bundles; the test says so and skips when they are absent.
func mp9SamplesDir(t *testing.T) string {
	t.Helper()
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		shared = filepath.Join("..", "..", "shared")
	}
	dir := filepath.Join(shared, "fhir-samples", "nictiz", "mp9-3.0-cert")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the shared MP9 3.0 samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	return dir
}

var mp9Placeholder = regexp.MustCompile(`\$\{DATE, T, D, ([+-]?\d+)\}`)

// mp9Stop is what the samples say of one treatment whose newest medication agreement stops or cancels it.
type mp9Stop struct {
	bsn, drug, code, reason string
	end                     time.Time
	cancelled               bool
}

// readMP9Samples fills the date placeholders with day T and returns the bundles, their patients' BSNs
// and, per treatment whose newest agreement (by registration time) is a stop or a cancellation, what the
// screens must show. It reads the bundles as FHIR, independently of the portal's import.
func readMP9Samples(t *testing.T, dir string, day time.Time) (bundles [][]byte, bsns map[string]bool, stops []mp9Stop) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(names) == 0 {
		t.Fatalf("no bundles in %s", dir)
	}
	bsns = map[string]bool{}
	type agreement struct {
		bsn, drug, code, stopType, reason string
		registered, end                   time.Time
	}
	newest := map[string]agreement{}
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		data := mp9Placeholder.ReplaceAllFunc(raw, func(m []byte) []byte {
			n, _ := strconv.Atoi(strings.TrimPrefix(string(mp9Placeholder.FindSubmatch(m)[1]), "+"))
			return []byte(day.AddDate(0, 0, n).Format(time.DateOnly))
		})
		bundles = append(bundles, data)
		var b struct {
			Entry []struct {
				FullURL  string          `json:"fullUrl"`
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		type coding struct{ System, Code, Display string }
		type concept struct {
			Coding []coding
			Text   string
		}
		type ext struct {
			URL                  string
			ValueIdentifier      *struct{ System, Value string }
			ValueDateTime        string
			ValueCodeableConcept *concept
			ValuePeriod          *struct{ Start, End string }
		}
		type resource struct {
			ResourceType        string
			Identifier          []struct{ System, Value string }
			Code                *concept
			Category            []concept
			Extension           []ext
			ModifierExtension   []ext
			ReasonCode          []concept
			MedicationReference *struct{ Reference string }
			Subject             *struct{ Reference string }
		}
		byURL := map[string]resource{}
		var bsn string
		for _, e := range b.Entry {
			var r resource
			_ = json.Unmarshal(e.Resource, &r)
			byURL[e.FullURL] = r
			if r.ResourceType == "Patient" {
				for _, id := range r.Identifier {
					if id.System == "http://fhir.nl/fhir/NamingSystem/bsn" {
						bsn = id.Value
						bsns[bsn] = true
					}
				}
			}
		}
		text := func(c *concept) string {
			if c == nil {
				return ""
			}
			if c.Text != "" {
				return c.Text
			}
			for _, cd := range c.Coding {
				if cd.Display != "" {
					return cd.Display
				}
			}
			return ""
		}
		for _, r := range byURL {
			if r.ResourceType != "MedicationRequest" || len(r.Category) == 0 || len(r.Category[0].Coding) == 0 || r.Category[0].Coding[0].Code != "33633005" {
				continue
			}
			a := agreement{bsn: bsn}
			var treatment string
			for _, x := range r.Extension {
				switch {
				case strings.HasSuffix(x.URL, "ext-PharmaceuticalTreatment.Identifier") && x.ValueIdentifier != nil:
					treatment = x.ValueIdentifier.System + "|" + x.ValueIdentifier.Value
				case strings.HasSuffix(x.URL, "ext-RegistrationDateTime"):
					a.registered = parseFHIRTime(x.ValueDateTime)
				case strings.HasSuffix(x.URL, "ext-TimeInterval.Period") && x.ValuePeriod != nil && len(x.ValuePeriod.End) >= 10:
					a.end, _ = time.Parse(time.DateOnly, x.ValuePeriod.End[:10])
				}
			}
			for _, x := range r.ModifierExtension {
				if strings.HasSuffix(x.URL, "ext-StopType") && x.ValueCodeableConcept != nil && len(x.ValueCodeableConcept.Coding) > 0 {
					a.stopType = x.ValueCodeableConcept.Coding[0].Code
				}
			}
			if len(r.ReasonCode) > 0 {
				a.reason = text(&r.ReasonCode[0])
			}
			if r.MedicationReference != nil {
				if m, ok := byURL[r.MedicationReference.Reference]; ok && m.Code != nil {
					a.drug = text(m.Code)
					for _, cd := range m.Code.Coding {
						if cd.Code != "" && a.code == "" {
							a.code = cd.Code
						}
					}
				}
			}
			// A change sends the stop of the old agreement and the new agreement together (MP9 3.0 FO
			// §2.2.5.5): of records registered at the same moment, one that does not stop wins.
			prev, ok := newest[treatment]
			switch {
			case !ok, a.registered.After(prev.registered):
				newest[treatment] = a
			case a.registered.Equal(prev.registered) && a.stopType == "":
				newest[treatment] = a
			}
		}
	}
	keys := make([]string, 0, len(newest))
	for k := range newest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := newest[k]
		if a.drug == "" || (a.stopType != "410546004" && a.stopType != "89925002") {
			continue
		}
		stops = append(stops, mp9Stop{bsn: a.bsn, drug: a.drug, code: a.code, reason: a.reason, end: a.end, cancelled: a.stopType == "89925002"})
	}
	return bundles, bsns, stops
}

// parseFHIRTime reads a FHIR dateTime of the samples (a date, or a date and time with a zone).
func parseFHIRTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// summaryMedication is the current-medication block of the summary page.
func summaryMedication(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="sum-medication"`)
	if i < 0 {
		t.Fatal("the summary has no medication block")
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

// openPatientTo gives the gp's practice and the pharmacist's pharmacy a relationship with the patient,
// and the patient's consent for both, so that the screens can be read as each.
func openPatientTo(t *testing.T, env *portaltest.Env, p access.Patient) {
	t.Helper()
	now := time.Now()
	log := audit.New(env.Store)
	entry := func(e audit.Event) store.LogEntry {
		return log.Entry(audit.Record{Event: e, Outcome: audit.Success, User: audit.User{Name: "test"}})
	}
	for _, h := range []struct {
		ura  string
		kind access.RelationshipKind
		cat  access.RecipientCategory
	}{{"90000101", access.RegisteredGP, access.Huisartsen}, {"90000201", access.PharmacyOfRecord, access.Apotheken}} {
		ura := h.ura
		r := access.Relationship{PatientID: p.ID, HolderKind: access.HolderOrganisation, HolderURA: &ura, Kind: h.kind,
			Source: "test", ValidFrom: now.Add(-48 * time.Hour), CreatedBy: "test", CreatedAt: now}
		if _, err := env.Store.AddRelationship(t.Context(), r, entry(audit.EventRelationshipChange)); err != nil {
			t.Fatal(err)
		}
		c := access.Consent{PatientID: p.ID, Category: h.cat, Status: access.ConsentGranted, RegisteredBy: access.ByPatient,
			Channel: access.ChannelDesk, GivenAt: now.Add(-time.Hour), RecordedBy: "test", RecordedAt: now}
		if _, err := env.Store.RegisterConsent(t.Context(), c, entry(audit.EventConsentChange)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAllMP9SamplesShowTheMedicationPictureRight imports every MP9 3.0 qualification bundle into one
// portal, with day T a month ago, so that every stop and cancellation in them has taken effect: each BSN
// is one patient; for every treatment whose newest agreement stops or cancels it, the medicine is not
// under current medication on the summary or the medication screen, for the gp and the pharmacist, and a
// stopped one is in the history with its stop date and reason.
func TestAllMP9SamplesShowTheMedicationPictureRight(t *testing.T) {
	dir := mp9SamplesDir(t)
	day := time.Now().In(amsterdam(t)).AddDate(0, 0, -30)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	bundles, bsns, stops := readMP9Samples(t, dir, day)
	if len(bsns) != 9 || len(stops) == 0 {
		t.Fatalf("the samples hold %d BSNs and %d stopped or cancelled treatments", len(bsns), len(stops))
	}
	for _, s := range stops {
		t.Logf("patient %s: %s (cancelled %v, stop %s, reason %q)", s.bsn, s.drug, s.cancelled, s.end.Format(time.DateOnly), s.reason)
	}
	env := portaltest.Start(t, portaltest.Options{Bundles: bundles})
	if n, err := env.Store.PatientCount(t.Context()); err != nil || n != 9 {
		t.Fatalf("%d patients for the 9 BSNs of the samples (%v)", n, err)
	}
	for bsn := range bsns {
		openPatientTo(t, env, env.Patient(t, bsn))
	}
	for _, card := range []string{devpki.CardGP, devpki.CardPharmacist} {
		c := env.Client(t, card)
		for _, s := range stops {
			p := env.Patient(t, s.bsn)
			summary := c.Get(t, categoryPath(p, access.Summary))
			checkPage(t, card+" summary", summary, 200)
			page := c.Get(t, categoryPath(p, access.Medication))
			checkPage(t, card+" medication", page, 200)
			current, history := sections(t, page.Body)
			if strings.Contains(strings.ToUpper(current), strings.ToUpper(s.drug)) {
				t.Errorf("%s, patient %s: %s is under current medication although its treatment was stopped or cancelled", card, s.bsn, s.drug)
			}
			if block := summaryMedication(t, summary.Body); strings.Contains(strings.ToUpper(block), strings.ToUpper(s.drug)) {
				t.Errorf("%s, patient %s: the summary lists %s as current", card, s.bsn, s.drug)
			}
			if s.cancelled {
				continue
			}
			i := strings.Index(strings.ToUpper(history), strings.ToUpper(s.drug))
			if i < 0 {
				t.Errorf("%s, patient %s: the stopped %s is not in the history", card, s.bsn, s.drug)
				continue
			}
			if !strings.Contains(history[i:], dutchDate(s.end)) {
				t.Errorf("%s, patient %s: the history of %s lacks its stop date %s", card, s.bsn, s.drug, dutchDate(s.end))
			}
			if s.reason != "" && !strings.Contains(strings.ToLower(history[i:]), strings.ToLower(s.reason)) {
				t.Errorf("%s, patient %s: the history of %s lacks the reason %q", card, s.bsn, s.drug, s.reason)
			}
		}
	}
}
