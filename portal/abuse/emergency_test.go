package abuse

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// TestEmergencyAbuse: providers use the emergency procedure as a way around the treatment relationship:
// with a reason that says nothing, patient after patient, over their own relationship that expired or
// has not started, and hoping the hospital will not notice. Each attempt is refused with a page that
// says why and leaves a refused record; what is allowed lands in the review queue at once.
func TestEmergencyAbuse(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	ctx := context.Background()
	pol, err := access.PolicyFromConfig(env.Config.Access)
	if err != nil {
		t.Fatal(err)
	}
	admin := env.Client(t, devpki.CardAdmin)

	// open returns the demo patients for whom the emergency procedure is open to the card right now
	// (consent covers it, no relationship of its own), the precondition without which an attack on the
	// procedure proves nothing.
	open := func(t *testing.T, card string) []access.Patient {
		t.Helper()
		who := providerOf(t, card)
		all, err := env.Store.AllPatients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []access.Patient
		for _, p := range all {
			facts, err := env.Store.PatientFacts(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if pol.CanRequestEmergency(who, facts, time.Now()).Allowed {
				out = append(out, p)
			}
		}
		return out
	}
	// request posts the emergency form for a patient, after opening the access page as a provider would.
	request := func(t *testing.T, c *portaltest.Client, p access.Patient, form url.Values) *portaltest.Response {
		t.Helper()
		get(t, c, patientPath(p, "/access"))
		f := url.Values{"bsn": {p.BSN}, "birth_date": {p.BirthDate.Format("2006-01-02")}}
		for k, v := range form {
			f[k] = v
		}
		return c.Post(t, patientPath(p, "/emergency"), f)
	}
	emergencies := func(t *testing.T, p access.Patient) int {
		t.Helper()
		return emergencyCount(t, env, p)
	}
	// meaningless tries a reason the rules must refuse and checks that nothing was created and the
	// refusal was logged.
	meaningless := func(t *testing.T, form url.Values, field string) {
		t.Helper()
		spec := env.Client(t, devpki.CardSpecialist)
		candidates := open(t, devpki.CardSpecialist)
		if len(candidates) == 0 {
			t.Fatal("the emergency procedure is open to the specialist for no demo patient: the attack proves nothing")
		}
		p := candidates[0]
		before, n := lastRecordID(t, env), emergencies(t, p)
		resp := request(t, spec, p, form)
		want(t, "emergency", resp, http.StatusUnprocessableEntity)
		if !strings.Contains(resp.Body, `id="emergency-`+field+`-error"`) {
			t.Errorf("the form does not say what is wrong with the %s", field)
		}
		if emergencies(t, p) != n {
			t.Fatal("an emergency relationship was created")
		}
		findRecord(t, env, before, "the refused emergency", func(r store.AccessRecord) bool {
			return r.Event == "emergency_access" && r.Outcome == "refused" && r.PatientBSN == p.BSN
		})
	}
	reason := "Patiënt acuut benauwd op de huisartsenpost, medicatie na ontslag onbekend"

	runAttacks(t, []attack{
		{
			name:    "emergency reason of twenty one-letter words",
			defence: "access.Policy.CheckEmergencyText: at least three different real words, not one character repeated",
			try: func(t *testing.T) {
				meaningless(t, url.Values{"category": {"other"}, "reason": {strings.TrimSpace(strings.Repeat("a ", 20))}}, "reason")
			},
		},
		{
			name:    "emergency reason of repeated letters",
			defence: "access.Policy.CheckEmergencyText: no letter three times in a row, three different real words",
			try: func(t *testing.T) {
				meaningless(t, url.Values{"category": {"other"}, "reason": {"xxxxxxxxxx yyyyyyyyyy"}}, "reason")
				meaningless(t, url.Values{"category": {"other"}, "reason": {"qwrtp sdfgh zxcvb nmlkj"}}, "reason")
			},
		},
		{
			name:    "emergency without a reason category, or with one of the attacker's own",
			defence: "the category must be one of access.EmergencyCategories (checked in the handler and again in the store's transaction)",
			try: func(t *testing.T) {
				meaningless(t, url.Values{"reason": {reason}}, "category")
				meaningless(t, url.Values{"category": {"curiosity"}, "reason": {reason}}, "category")
			},
		},
		{
			name:    "emergencies opened patient after patient",
			defence: "access.emergency.max_per_day (default 3 in any 24 hours per AGB code), counted in the store's transaction",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGPOther)
				candidates := open(t, devpki.CardGPOther)
				limit := env.Config.Access.Emergency.MaxPerDay
				if len(candidates) <= limit {
					t.Fatalf("only %d patients are open to the emergency procedure for this card: the attack proves nothing", len(candidates))
				}
				for _, p := range candidates[:limit] {
					if resp := request(t, gp, p, url.Values{"category": {"out-of-hours"}, "reason": {reason}}); resp.Status != http.StatusSeeOther {
						t.Fatalf("emergency %s within the cap: %d\n%s", p.BSN, resp.Status, resp.Body)
					}
				}
				next := candidates[limit]
				before := lastRecordID(t, env)
				resp := request(t, gp, next, url.Values{"category": {"out-of-hours"}, "reason": {reason}})
				want(t, "emergency past the cap", resp, http.StatusTooManyRequests)
				if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 24*3600 {
					t.Errorf("the refusal does not say when to try again: Retry-After %q", resp.Header.Get("Retry-After"))
				}
				if !strings.Contains(resp.Body, "het maximale aantal noodtoegangen") {
					t.Errorf("the refusal does not say the cap was reached:\n%s", excerpt(resp.Body, "emergency-heading"))
				}
				if emergencies(t, next) != 0 {
					t.Fatal("an emergency relationship past the cap was created")
				}
				findRecord(t, env, before, "the refusal past the cap", func(r store.AccessRecord) bool {
					return r.Event == "emergency_access" && r.Outcome == "refused" && r.Reason == string(access.ReasonEmergencyCapReached) && r.PatientBSN == next.BSN
				})
				// The search's answer (where a provider without a relationship meets the procedure) says so
				// before anything is typed.
				if page := searchFor(t, gp, next); strings.Contains(page.Body, `name="reason"`) || !strings.Contains(page.Body, "het maximale aantal noodtoegangen") {
					t.Error("the search's answer still offers the emergency form past the cap")
				}
			},
		},
		{
			name:    "emergency silently standing in for the provider's expired relationship",
			defence: "access.EmergencyCheck.Prior: the form names the expired relationship and needs an acknowledgement; the review shows it",
			try: func(t *testing.T) {
				nurse := env.Client(t, devpki.CardNurse)
				brouwer := env.Patient(t, "999990019") // the nurse's invitation expired ten days ago
				facts, err := env.Store.PatientFacts(ctx, brouwer.ID)
				if err != nil {
					t.Fatal(err)
				}
				check := pol.CanRequestEmergency(providerOf(t, devpki.CardNurse), facts, time.Now())
				if !check.Allowed || check.PriorState != access.RelationshipExpired {
					t.Fatalf("the nurse's relationship with the patient is not an expired one the procedure could replace (%+v): the attack proves nothing", check)
				}
				page := searchFor(t, nurse, brouwer)
				if !strings.Contains(page.Body, "is verlopen op") || !strings.Contains(page.Body, `name="ack_prior"`) {
					t.Error("the emergency form does not say that the relationship expired")
				}
				resp := request(t, nurse, brouwer, url.Values{"category": {"continuity-of-care"}, "reason": {reason}})
				want(t, "emergency without acknowledging", resp, http.StatusUnprocessableEntity)
				if emergencies(t, brouwer) != 0 {
					t.Fatal("the emergency replaced the expired relationship without a word")
				}
				resp = request(t, nurse, brouwer, url.Values{"category": {"continuity-of-care"}, "reason": {reason}, "ack_prior": {"1"}})
				if resp.Status != http.StatusSeeOther {
					t.Fatalf("acknowledged emergency: %d\n%s", resp.Status, resp.Body)
				}
				review := get(t, admin, "/admin/emergencies")
				if review.Status != http.StatusOK || !strings.Contains(review.Body, brouwer.BSN) || !strings.Contains(review.Body, "verlopen op") {
					t.Errorf("the review queue does not show that the emergency stood in for an expired relationship:\n%s", excerpt(review.Body, brouwer.BSN))
				}
			},
		},
		{
			name:    "emergency before the provider's relationship has started",
			defence: "access.EmergencyCheck.Prior names a relationship that starts later; the review shows it",
			try: func(t *testing.T) {
				doctor := env.Client(t, devpki.CardElderlyCarePhysician)
				vliet := env.Patient(t, "999998286") // the invitation starts in five days
				page := searchFor(t, doctor, vliet)
				if !strings.Contains(page.Body, "begint pas op") {
					t.Fatalf("the emergency form does not say that the relationship starts later (status %d)", page.Status)
				}
				resp := request(t, doctor, vliet, url.Values{"category": {"acute-presentation"}, "reason": {reason}})
				want(t, "emergency without acknowledging", resp, http.StatusUnprocessableEntity)
				if emergencies(t, vliet) != 0 {
					t.Fatal("the emergency stood in for a relationship that has not started, without a word")
				}
			},
		},
		{
			name:    "emergency access the hospital does not get to see",
			defence: "every emergency relationship is in the administrator's review queue at once, with its category and reason",
			try: func(t *testing.T) {
				spec := env.Client(t, devpki.CardSpecialist)
				candidates := open(t, devpki.CardSpecialist)
				if len(candidates) == 0 {
					t.Fatal("the emergency procedure is open to the specialist for no demo patient: the attack proves nothing")
				}
				p := candidates[0]
				why := "Ambulancerit naar onze SEH, patiënt verward en niet aanspreekbaar"
				if resp := request(t, spec, p, url.Values{"category": {"unable-to-communicate"}, "reason": {why}}); resp.Status != http.StatusSeeOther {
					t.Fatalf("emergency: %d\n%s", resp.Status, resp.Body)
				}
				review := get(t, admin, "/admin/emergencies")
				if !strings.Contains(review.Body, p.BSN) || !strings.Contains(review.Body, why) || !strings.Contains(review.Body, "Patiënt bewusteloos of niet aanspreekbaar") {
					t.Errorf("the emergency is not in the review queue with its category and reason:\n%s", excerpt(review.Body, "emergencies"))
				}
			},
		},
	})
}

// searchFor searches the patient by BSN and birth date, as a provider without a relationship does to
// reach the emergency procedure, and returns the answer.
func searchFor(t *testing.T, c *portaltest.Client, p access.Patient) *portaltest.Response {
	t.Helper()
	get(t, c, "/patients/search")
	return c.Post(t, "/patients/search", url.Values{"bsn": {p.BSN}, "birth_date": {p.BirthDate.Format("2006-01-02")}})
}

// patientPath is the address of a page of a patient.
func patientPath(p access.Patient, suffix string) string {
	return portaltest.PatientPath(p) + suffix
}

// providerOf is the access rules' view of a development card.
func providerOf(t *testing.T, card string) access.Provider {
	t.Helper()
	spec, err := devpki.CardByName(card)
	if err != nil {
		t.Fatal(err)
	}
	agb := spec.AGB
	if agb == "00000000" {
		agb = ""
	}
	return access.Provider{UZI: spec.UZINumber, Name: spec.GivenName + " " + spec.Surname, AGB: agb, URA: spec.URA, Role: spec.Role}
}
