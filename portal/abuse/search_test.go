package abuse

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// validBSNs returns n BSNs that pass the elfproef and belong to nobody in the demo data set.
func validBSNs(n int) []string {
	var out []string
	for v := 111111110; len(out) < n; v++ {
		s := fmt.Sprintf("%09d", v)
		if access.ValidBSN(s) {
			out = append(out, s)
		}
	}
	return out
}

// search posts the search form with the token of a freshly fetched form.
func search(t *testing.T, c *portaltest.Client, bsn, birth string) *portaltest.Response {
	t.Helper()
	get(t, c, "/patients/search")
	return c.Post(t, "/patients/search", url.Values{"bsn": {bsn}, "birth_date": {birth}})
}

// volatile are the parts of a page that differ between any two requests, or that repeat what was typed:
// the request id, the CSRF token, and the searched BSN and date as typed and as shown.
var volatile = regexp.MustCompile(`[0-9a-f]{16}|name="_csrf" value="[^"]*"|value="[^"]*"|\d{4}\.\d{2}\.\d{3}|\d{9}|\d{1,2} [a-z]+ \d{4}|\d{4}-\d{2}-\d{2}`)

// TestSearchEnumeration: the search by BSN and birth date used to find out who is a patient of the
// hospital: BSNs tried in bulk, the answer to a wrong birth date, the time the answers take, the
// emergency form as a second way in, and a BSN put in the URL.
func TestSearchEnumeration(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	jong, kramer := env.Patient(t, bsnDeJong), env.Patient(t, bsnKramer)
	birth := func(p access.Patient) string { return p.BirthDate.Format("2006-01-02") }

	runAttacks(t, []attack{
		{
			name:    "BSNs tried in bulk",
			defence: "screens.searches_per_minute per provider: beyond it 429, logged as rate-limited, and nothing looked up",
			try: func(t *testing.T) {
				gp := env.Client(t, devpki.CardGP)
				limit := env.Config.Screens.SearchesPerMinute
				for i, bsn := range validBSNs(limit) {
					if resp := search(t, gp, bsn, "1960-01-01"); resp.Status != http.StatusNotFound {
						t.Fatalf("search %d: %d", i+1, resp.Status)
					}
				}
				before := lastRecordID(t, env)
				resp := search(t, gp, jong.BSN, birth(jong))
				want(t, "search beyond the limit", resp, http.StatusTooManyRequests)
				if strings.Contains(resp.Body, jong.FamilyName) || resp.Header.Get("Location") != "" {
					t.Error("the refused search still answered")
				}
				findRecord(t, env, before, "the rate-limited search", func(r store.AccessRecord) bool {
					return r.Event == "search" && r.Outcome == "refused" && r.Reason == "rate-limited"
				})
			},
		},
		{
			name:    "malformed BSNs sent in bulk, neither counted nor cheap to log",
			defence: "searchPatient: every search counts against screens.searches_per_minute, malformed ones too; one access-log record of malformed searches per provider and minute",
			try: func(t *testing.T) {
				c := env.Client(t, devpki.CardElderlyCarePhysician)
				limit := env.Config.Screens.SearchesPerMinute
				before := lastRecordID(t, env)
				limited := false
				for i := range limit + 3 {
					resp := search(t, c, fmt.Sprintf("9999%04d", i), "1960-01-01") // eight digits: never a BSN
					if resp.Status == http.StatusTooManyRequests {
						limited = true
						break
					}
					if resp.Status != http.StatusUnprocessableEntity {
						t.Fatalf("malformed search %d: status %d", i+1, resp.Status)
					}
				}
				if !limited {
					t.Errorf("%d malformed searches were answered without reaching the limit of %d", limit+3, limit)
				}
				malformed := 0
				for _, r := range recordsAfter(t, env, before) {
					if r.Event == "search" && r.Reason == "invalid-input" {
						malformed++
					}
				}
				if malformed > 1 {
					t.Errorf("%d access-log records for one provider's malformed searches within a minute", malformed)
				}
			},
		},
		{
			name:    "rate-limited client not told when to come back",
			defence: "handleError: Retry-After on every 429",
			try: func(t *testing.T) {
				c := env.Client(t, devpki.CardSpecialist)
				var last *portaltest.Response
				for range env.Config.Screens.SearchesPerMinute + 1 {
					last = search(t, c, bsnUnknown, "1960-01-01")
				}
				want(t, "search beyond the limit", last, http.StatusTooManyRequests)
				if last.Header.Get("Retry-After") == "" {
					t.Fatal("the 429 has no Retry-After")
				}
			},
		},
		{
			name:    "wrong birth date told apart from an unknown BSN",
			defence: "one query on BSN and birth date together: a known BSN with a wrong date gets the very same answer as a BSN nobody has",
			try: func(t *testing.T) {
				other := env.Client(t, devpki.CardGPOther)
				known := search(t, other, jong.BSN, "1942-10-21")
				unknown := search(t, other, bsnUnknown, "1942-10-21")
				want(t, "known BSN", known, http.StatusNotFound)
				want(t, "unknown BSN", unknown, http.StatusNotFound)
				a, b := volatile.ReplaceAllString(known.Body, "…"), volatile.ReplaceAllString(unknown.Body, "…")
				if a != b {
					t.Errorf("the answers differ:\n%s\n---\n%s", excerpt(a, firstDifference(a, b)), excerpt(b, firstDifference(a, b)))
				}
			},
		},
		{
			name:    "search answers that name a patient the provider may not see",
			defence: "the search answers no consent / no relationship without the patient's name",
			try: func(t *testing.T) {
				other := env.Client(t, devpki.CardGPOther)
				for _, p := range []access.Patient{jong, kramer} {
					resp := search(t, other, p.BSN, birth(p))
					want(t, p.BSN, resp, http.StatusForbidden)
					for _, name := range append([]string{p.FamilyName}, strings.Fields(p.GivenNames)...) {
						if name != "" && strings.Contains(resp.Body, name) {
							t.Errorf("the answer for %s names %q", p.BSN, name)
						}
					}
				}
			},
		},
		{
			name:    "emergency form used to guess a patient's BSN or birth date",
			defence: "a mismatch is reported for both fields together, before anything of consent, and the form counts against the search limit",
			try: func(t *testing.T) {
				spec := env.Client(t, devpki.CardGPOther) // no relationship with de Jong, whose consent covers GPs
				get(t, spec, "/")
				path := portaltest.PatientPath(jong, "emergency")
				reason := "patiënt met acute verwardheid, eigen arts niet bereikbaar"
				try := func(bsn, date string) *portaltest.Response {
					get(t, spec, portaltest.PatientPath(jong, "access"))
					return spec.Post(t, path, url.Values{"bsn": {bsn}, "birth_date": {date}, "category": {"acute-presentation"}, "reason": {reason}})
				}
				wrongDate := try(jong.BSN, "1942-10-21")
				wrongBSN := try(bsnUnknown, birth(jong))
				get(t, spec, portaltest.PatientPath(jong, "access"))
				if open := spec.Post(t, path, url.Values{"bsn": {jong.BSN}, "birth_date": {birth(jong)}, "reason": {"kort"}}); open.Status != http.StatusUnprocessableEntity ||
					!strings.Contains(open.Body, `name="reason"`) {
					t.Fatalf("the emergency procedure is closed to this provider: the attack proves nothing (%d)", open.Status)
				}
				for name, resp := range map[string]*portaltest.Response{"wrong date": wrongDate, "wrong BSN": wrongBSN} {
					want(t, name, resp, http.StatusUnprocessableEntity)
					if !strings.Contains(resp.Body, "Controleer BSN en geboortedatum") {
						t.Errorf("%s: the mismatch is not reported:\n%s", name, resp.Body)
					}
				}
				a, b := volatile.ReplaceAllString(wrongDate.Body, "…"), volatile.ReplaceAllString(wrongBSN.Body, "…")
				if a != b {
					t.Errorf("the answers differ:\n%s\n---\n%s", excerpt(a, firstDifference(a, b)), excerpt(b, firstDifference(a, b)))
				}
				var last *portaltest.Response
				for range env.Config.Screens.SearchesPerMinute {
					if last = try(bsnUnknown, birth(jong)); last.Status == http.StatusTooManyRequests {
						break
					}
				}
				want(t, "beyond the limit", last, http.StatusTooManyRequests)
			},
		},
		{
			name:    "BSN put in the address of a search",
			defence: "formValue reads the form body only: a BSN in a URL is never searched for (it would end up in histories and logs)",
			try: func(t *testing.T) {
				nurse := env.Client(t, devpki.CardNurse)
				get(t, nurse, "/patients/search")
				before := lastRecordID(t, env)
				resp := nurse.Post(t, "/patients/search?bsn="+jong.BSN+"&birth_date="+birth(jong), url.Values{})
				want(t, "search", resp, http.StatusUnprocessableEntity)
				for _, r := range recordsAfter(t, env, before) {
					if r.PatientBSN != "" {
						t.Errorf("the BSN from the address was searched for: %s %s", r.Event, r.Reason)
					}
				}
			},
		},
	})
}

// firstDifference returns a few characters of a where it starts to differ from b.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[i:min(len(a), i+20)]
}

// TestSearchTiming measures whether the time of a search answer tells a known BSN with a wrong birth
// date from a BSN nobody has, which the answers themselves do not. Method: one portal of its own
// (searches_per_minute raised so that the limit is not what is measured), warm-up searches, then rounds
// in which the two searches run in random order over the same keep-alive connection; the medians of the
// client-side durations are compared. The check is statistical and deliberately generous: the medians
// may differ by at most 30% of the larger one plus 1 ms (disk syncs of the access log, which every search
// writes, dominate the noise). It is not a check of speed. The three answers of the search (not found,
// no consent, no relationship) are measured the same way and logged: those answers say outright what
// they are, so their times reveal nothing more.
func TestSearchTiming(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true, Configure: func(c *config.Config) {
		c.Screens.SearchesPerMinute = 1000
	}})
	jong, kramer := env.Patient(t, bsnDeJong), env.Patient(t, bsnKramer)
	other := env.Client(t, devpki.CardGPOther)
	get(t, other, "/patients/search")
	timed := func(bsn, birth string, status int) time.Duration {
		token := other.CSRF()
		start := time.Now()
		resp := other.Post(t, "/patients/search", url.Values{"bsn": {bsn}, "birth_date": {birth}, "_csrf": {token}})
		d := time.Since(start)
		if resp.Status != status {
			t.Fatalf("search %s %s: %d, want %d", bsn, birth, resp.Status, status)
		}
		return d
	}
	kinds := []struct {
		name, bsn, birth string
		status           int
	}{
		{"unknown BSN", bsnUnknown, "1942-10-21", http.StatusNotFound},
		{"known BSN, wrong birth date", jong.BSN, "1942-10-21", http.StatusNotFound},
		{"no consent", kramer.BSN, kramer.BirthDate.Format("2006-01-02"), http.StatusForbidden},
		{"no relationship", jong.BSN, jong.BirthDate.Format("2006-01-02"), http.StatusForbidden},
	}
	for range 20 {
		for _, k := range kinds {
			timed(k.bsn, k.birth, k.status)
		}
	}
	const rounds = 60
	times := make([][]time.Duration, len(kinds))
	for range rounds {
		for _, i := range rand.Perm(len(kinds)) {
			times[i] = append(times[i], timed(kinds[i].bsn, kinds[i].birth, kinds[i].status))
		}
	}
	median := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	medians := make([]time.Duration, len(kinds))
	for i, k := range kinds {
		medians[i] = median(times[i])
		t.Logf("%-28s median %v over %d searches", k.name, medians[i].Round(10*time.Microsecond), rounds)
	}
	runAttacks(t, []attack{{
		name:    "timing of the search answers",
		defence: "a known BSN with a wrong birth date costs the same one query as an unknown BSN (PatientByBSNAndBirthDate)",
		try: func(t *testing.T) {
			a, b := medians[0], medians[1]
			tolerance := max(a, b)*3/10 + time.Millisecond
			if d := (a - b).Abs(); d > tolerance {
				t.Errorf("medians %v (unknown) and %v (known, wrong date) differ by %v, more than %v", a, b, d, tolerance)
			}
		},
	}})
}
