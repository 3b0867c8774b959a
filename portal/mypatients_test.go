package portal_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
)

// validBSNs returns n distinct BSNs that pass the eleven test, from 999 000 000 on.
func validBSNs(n int) []string {
	var out []string
	for v := 999000000; len(out) < n; v++ {
		if b := fmt.Sprintf("%09d", v); access.ValidBSN(b) {
			out = append(out, b)
		}
	}
	return out
}

// TestMyPatientsComeInPages: a practice with more patients than a page walks them newest relationship
// first, a page at a time; every patient whose data is open appears exactly once over the pages, the
// ones without consent are counted per page and never named, and a page address that is not a position
// in the list is a bad request.
func TestMyPatientsComeInPages(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	const patients = 2*portal.MyPatientsPageSize + 7
	open := map[string]string{}
	hidden := 0
	for i, bsn := range validBSNs(patients) {
		family := fmt.Sprintf("Paginapatient%03d", i)
		p := w.patient(t, bsn, fmt.Sprintf("P9%05d", i), family, adult)
		w.relationship(t, p, access.RegisteredGP, access.HolderOrganisation, "90000101", now.Add(-time.Duration(i+1)*time.Hour), nil)
		if i%10 == 3 {
			hidden++
			continue
		}
		w.consent(t, p, access.Huisartsen, access.ConsentGranted)
		open[p.PublicID] = family
	}
	gp := w.env.Client(t, devpki.CardGP)
	row := regexp.MustCompile(`<th scope="row"><a href="/patients/([ghjklmnpqrstvwxz]{32})">`)
	next := regexp.MustCompile(`<a href="/\?na=([0-9-]+)" rel="next">`)
	seen := map[string]int{}
	path, pages, counted := "/", 0, 0
	for path != "" {
		pages++
		resp := gp.Get(t, path)
		if resp.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.Status)
		}
		rows := row.FindAllStringSubmatch(resp.Body, -1)
		if len(rows) > portal.MyPatientsPageSize {
			t.Fatalf("page %d lists %d patients, more than a page", pages, len(rows))
		}
		for _, r := range rows {
			seen[r[1]]++
		}
		if m := regexp.MustCompile(`Met (\d+) patiënt\(en\) op deze pagina`).FindStringSubmatch(resp.Body); m != nil {
			var n int
			fmt.Sscan(m[1], &n)
			counted += n
		}
		path = ""
		if m := next.FindStringSubmatch(resp.Body); m != nil {
			path = "/?na=" + m[1]
		}
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
	}
	if pages != 3 {
		t.Errorf("%d patients in %d pages, want 3 pages of at most %d", patients, pages, portal.MyPatientsPageSize)
	}
	for id, family := range open {
		if n := seen[id]; n != 1 {
			t.Errorf("%s (%s) listed %d times over the pages", family, id, n)
		}
	}
	if len(seen) != len(open) {
		t.Errorf("%d patients listed, %d have their data open", len(seen), len(open))
	}
	if counted != hidden {
		t.Errorf("the pages count %d patients without consent, want %d", counted, hidden)
	}
	first := gp.Get(t, "/")
	if !strings.Contains(first.Body, "De nieuwste behandelrelaties eerst") || !strings.Contains(first.Body, "Paginapatient000") || strings.Contains(first.Body, "Paginapatient106") {
		t.Error("the first page does not hold the newest relationships or does not say its order")
	}
	for _, bad := range []string{"/?na=abc", "/?na=12-", "/?na=-5", "/?na=1-0"} {
		if resp := gp.Get(t, bad); resp.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, resp.Status)
		}
	}
}
