package abuse

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/publicid"
	"zorgverlenersportaal/portal/store"
)

// bsnVanLeeuwen is the demo's twelve-year-old whose parents' consent lapsed at his twelfth birthday; his
// practice is De Linde (the gp card), so the gp-other card is a stranger to him.
const bsnVanLeeuwen = "999990408"

// addressPart finds what differs between two answers of the closed page and is not information: the
// address asked for, which returns in the language switch.
var addressPart = regexp.MustCompile(`/patients/[^"?]*`)

// sameClosedPage reports whether two answers are the same page once the request's own values (CSRF
// token, the address itself) are set aside: the closed page for a stranger must not differ from the one
// for an address that names nobody.
func sameClosedPage(a, b string) (bool, string) {
	norm := func(s string) string {
		return volatile.ReplaceAllString(addressPart.ReplaceAllString(s, "/patients/…"), "…")
	}
	na, nb := norm(a), norm(b)
	if na == nb {
		return true, ""
	}
	return false, excerpt(na, firstDifference(na, nb)) + "\n---\n" + excerpt(nb, firstDifference(na, nb))
}

// TestWalkingPatients: a provider counts through the addresses of the portal to find the hospital's
// patients and what they do not want known: sequential patient and item ids, neighbours of a real public
// id, and the access page of a patient whose address a stranger has got hold of. Nothing answers
// differently from an address that names nobody, and nothing shows consent, dates or names.
func TestWalkingPatients(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	gp, stranger := env.Client(t, devpki.CardGP), env.Client(t, devpki.CardGPOther)
	jong, noah := env.Patient(t, bsnDeJong), env.Patient(t, bsnVanLeeuwen)
	gpOtherUZI := uziOf(t, devpki.CardGPOther)
	everyone, err := env.Store.AllPatients(t.Context())
	if err != nil || len(everyone) < 10 {
		t.Fatalf("demo patients: %d %v", len(everyone), err)
	}
	// shown fails when an answer names any patient of the hospital.
	shown := func(t *testing.T, path string, resp *portaltest.Response) {
		t.Helper()
		for _, p := range everyone {
			for _, s := range []string{p.BSN, p.PatientNumber, ">" + p.FamilyName + "<"} {
				if strings.Contains(resp.Body, s) {
					t.Errorf("%s shows %q of patient %s", path, s, p.PatientNumber)
				}
			}
		}
	}
	unknownFor := func(c *portaltest.Client, rest string) *portaltest.Response {
		return get(t, c, "/patients/"+publicid.New()+rest)
	}

	runAttacks(t, []attack{
		{
			name:    "sequential patient ids walked",
			defence: "pathPublicID: only a random public id names a patient; a number is not found, like an id that belongs to nobody",
			try: func(t *testing.T) {
				nobody := unknownFor(stranger, "")
				want(t, "unknown public id", nobody, http.StatusNotFound)
				for n := int64(1); n <= int64(len(everyone))+5; n++ {
					for _, rest := range []string{"", "/access", "/letters", "/lab"} {
						path := fmt.Sprintf("/patients/%d%s", n, rest)
						for _, c := range []*portaltest.Client{gp, stranger} {
							resp := get(t, c, path)
							want(t, path, resp, http.StatusNotFound)
							shown(t, path, resp)
						}
					}
					path := fmt.Sprintf("/patients/%d", n)
					if same, diff := sameClosedPage(get(t, stranger, path).Body, nobody.Body); !same {
						t.Fatalf("%s answers otherwise than an unknown id:\n%s", path, diff)
					}
				}
			},
		},
		{
			name:    "sequential item ids walked under a patient the provider may see",
			defence: "items are found by their public id under their patient: a number finds no letter, result, report or attachment",
			try: func(t *testing.T) {
				if resp := get(t, gp, dossierPath(jong, access.Letters)); resp.Status != http.StatusOK {
					t.Fatalf("the gp cannot open de Jong's letters (%d): the attack proves nothing", resp.Status)
				}
				letter, pdf := letterWithPDF(t, env, jong)
				for n := 1; n <= 40; n++ {
					for _, path := range []string{
						portaltest.PatientPath(jong, "letters", fmt.Sprint(n)),
						portaltest.PatientPath(jong, "reports", fmt.Sprint(n)),
						portaltest.PatientPath(jong, "lab", fmt.Sprint(n)),
						portaltest.PatientPath(jong, "letters", letter.PublicID, "attachments", fmt.Sprint(n)),
						portaltest.PatientPath(jong, "letters", fmt.Sprint(letter.ID), "attachments", pdf.PublicID),
					} {
						resp := get(t, gp, path)
						want(t, path, resp, http.StatusNotFound)
						if strings.HasPrefix(resp.Body, "%PDF-") || strings.Contains(resp.Body, letter.Title) {
							t.Errorf("%s shows an item", path)
						}
					}
				}
			},
		},
		{
			name:    "neighbours of a real public id",
			defence: "public ids are random (portal/publicid), not counted: the id next to one that exists names nobody",
			try: func(t *testing.T) {
				if resp := get(t, gp, portaltest.PatientPath(jong)); resp.Status != http.StatusOK {
					t.Fatalf("the gp cannot open de Jong (%d): the attack proves nothing", resp.Status)
				}
				id := jong.PublicID
				for i := len(id) - 1; i >= len(id)-4; i-- {
					for _, c := range publicid.Alphabet {
						if byte(c) == id[i] {
							continue
						}
						near := id[:i] + string(c) + id[i+1:]
						resp := get(t, gp, "/patients/"+near)
						want(t, near, resp, http.StatusNotFound)
						shown(t, near, resp)
					}
				}
				for _, bad := range []string{strings.ToUpper(id), id + "g", id[1:], id[:31] + "0"} {
					want(t, bad, get(t, gp, "/patients/"+bad), http.StatusNotFound)
				}
			},
		},
		{
			name:    "a stranger's access page of a child whose parents' consent lapsed",
			defence: "access.HasCurrentRelationship: without a relationship the access page says only that there is none, the same page as for an unknown id",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				nobody := unknownFor(stranger, "/access")
				for _, path := range []string{portaltest.PatientPath(noah, "access"), portaltest.PatientPath(noah), dossierPath(noah, access.Medication)} {
					resp := get(t, stranger, path)
					want(t, path, resp, http.StatusNotFound)
					shown(t, path, resp)
					body := strings.ToLower(resp.Body)
					for _, secret := range []string{"toestemming", "ouder", "vertegenwoordiger", "twaalf", "12e", "verjaardag", "vervallen",
						"balie", "noodprocedure is niet mogelijk", "noah", noah.BirthDate.Format("2006"), "/emergency"} {
						if strings.Contains(body, secret) {
							t.Errorf("%s tells a stranger %q:\n%s", path, secret, excerpt(body, secret))
						}
					}
					if same, diff := sameClosedPage(resp.Body, nobody.Body); !same {
						t.Errorf("%s answers otherwise than an unknown id:\n%s", path, diff)
					}
				}
				// The log keeps what happened, as before: a refusal of this patient for this card, with the rule.
				findRecord(t, env, before, "the stranger's refused look", func(r store.AccessRecord) bool {
					return r.Event == "view" && r.Outcome == "refused" && r.UserUZI == gpOtherUZI && r.PatientBSN == noah.BSN &&
						r.Reason == string(access.ReasonConsentLapsed)
				})
			},
		},
		{
			name:    "the emergency form posted by a stranger who does not know the BSN and birth date",
			defence: "requestEmergency checks who the patient is before anything else: a mismatch says nothing of consent, for a patient or an unknown id alike",
			try: func(t *testing.T) {
				form := url.Values{"bsn": {bsnUnknown}, "birth_date": {"2014-01-01"}, "reason": {"patiënt met acute verwardheid, eigen arts niet bereikbaar"}}
				get(t, stranger, "/patients/search")
				resp := stranger.Post(t, portaltest.PatientPath(noah, "emergency"), form)
				want(t, "emergency for the child", resp, http.StatusUnprocessableEntity)
				shown(t, "emergency", resp)
				if body := strings.ToLower(resp.Body); strings.Contains(body, "toestemming") || strings.Contains(body, "noodsituatie") {
					t.Errorf("the answer tells the consent:\n%s", resp.Body)
				}
				get(t, stranger, "/patients/search")
				nobody := stranger.Post(t, "/patients/"+publicid.New()+"/emergency", form)
				want(t, "emergency for nobody", nobody, http.StatusUnprocessableEntity)
				if same, diff := sameClosedPage(resp.Body, nobody.Body); !same {
					t.Errorf("the answer for the child differs from the one for nobody:\n%s", diff)
				}
				if rels, _ := env.Store.Relationships(t.Context(), noah.ID); len(rels) == 0 {
					t.Fatal("the child has no relationships at all: the demo data changed")
				} else {
					for _, r := range rels {
						if r.Kind == access.Emergency {
							t.Fatal("an emergency relationship was created")
						}
					}
				}
			},
		},
	})
}
