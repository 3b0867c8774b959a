package portal_test

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/digest/smtptest"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// digestEnv runs the demo portal with the e-mail digest switched on, its relay the test's own SMTP
// server, a send time that has always come, and a worker that looks every few milliseconds.
func digestEnv(t *testing.T) (*portaltest.Env, *smtptest.Server) {
	t.Helper()
	relay := smtptest.Start(t)
	env := portaltest.Start(t, portaltest.Options{DemoData: true, Configure: func(c *config.Config) {
		c.Digest = config.DigestConfig{Enabled: true, SMTPAddr: relay.Addr, From: "portaal@rivierenland.example",
			SendAt: []string{"00:00"}, PortalURL: "https://portaal.rivierenland.example/",
			ConfirmWithin: config.Duration{Duration: time.Hour}}
	}, Server: []portal.Option{portal.WithDigestTiming(20 * time.Millisecond)}})
	return env, relay
}

// decodeMail reads a message the relay received: subject and plain-text body.
func decodeMail(t *testing.T, m smtptest.Message) (subject, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatalf("not a mail: %v", err)
	}
	subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	raw, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(raw)
}

// TestDigestRegistrationAndMail: the GP registers an address (a malformed one is refused with a message
// and stores nothing), the confirmation mail carries a link whose page confirms only with a button and
// only for the card that registered it; then the digest arrives: it says how many lines the Nieuw page
// shows and links to the portal, it names no patient, BSN, diagnosis or document of the demo, it is the
// only one of the day, and the access log records whom it told of how many items.
func TestDigestRegistrationAndMail(t *testing.T) {
	env, relay := digestEnv(t)
	ctx := t.Context()
	gp := env.Client(t, devpki.CardGP)
	gpCard, _ := devpki.CardByName(devpki.CardGP)

	checkPage(t, "digest page", gp.Get(t, "/meldingen"), http.StatusOK)
	bad := gp.Post(t, "/meldingen", url.Values{"address": {"Anna de Vries <a.devries@delinde.example>\r\nBcc: x@evil.example"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Vul één geldig e-mailadres in") {
		t.Fatalf("a malformed address: %d\n%s", bad.Status, bad.Body)
	}
	if _, err := env.Store.DigestSubscriptionOf(ctx, gpCard.UZINumber); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused address was stored: %v", err)
	}
	resp := gp.Post(t, "/meldingen", url.Values{"address": {"a.devries@delinde.example"}})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", resp.Status, resp.Body)
	}
	confirm := relay.Wait(t, 1, 10*time.Second)[0]
	if len(confirm.To) != 1 || confirm.To[0] != "a.devries@delinde.example" {
		t.Fatalf("confirmation went to %v", confirm.To)
	}
	_, body := decodeMail(t, confirm)
	m := regexp.MustCompile(`https://portaal\.rivierenland\.example/meldingen/bevestig\?code=([A-Za-z0-9_-]{43})`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no confirmation link in:\n%s", body)
	}
	code := m[1]
	if page := gp.Get(t, "/meldingen"); !strings.Contains(page.Body, "Bevestig het met de link") {
		t.Errorf("the page does not say the address waits for confirmation")
	}

	// Another card cannot confirm the GP's address with the link.
	other := env.Client(t, devpki.CardGPOther)
	other.Get(t, "/meldingen")
	if resp := other.Post(t, "/meldingen/bevestig", url.Values{"code": {code}}); resp.Status != http.StatusGone {
		t.Errorf("another card confirmed the GP's address: %d", resp.Status)
	}
	// Opening the link changes nothing; the button does.
	checkPage(t, "confirm page", gp.Get(t, "/meldingen/bevestig?code="+code), http.StatusOK)
	if sub, _ := env.Store.DigestSubscriptionOf(ctx, gpCard.UZINumber); sub.ConfirmedAt != nil {
		t.Fatal("following the link confirmed the address without the button")
	}
	if resp := gp.Post(t, "/meldingen/bevestig", url.Values{"code": {code}}); resp.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", resp.Status, resp.Body)
	}
	if resp := gp.Post(t, "/meldingen/bevestig", url.Values{"code": {code}}); resp.Status != http.StatusGone {
		t.Errorf("a spent link confirmed again: %d", resp.Status)
	}
	if resp := gp.Get(t, "/meldingen/bevestig?code=nonsense"); resp.Status != http.StatusGone {
		t.Errorf("a malformed link: %d", resp.Status)
	}

	msgs := relay.Wait(t, 2, 10*time.Second)
	subject, body := decodeMail(t, msgs[1])
	lines := strings.Count(gp.Get(t, "/nieuw").Body, `<span class="tag tag--new">`)
	want := fmt.Sprintf("%d nieuwe documenten in het Zorgverlenersportaal van %s", lines, env.Config.Hospital.Name)
	if lines == 0 || subject != want || !strings.Contains(body, want) || !strings.Contains(body, "https://portaal.rivierenland.example/") {
		t.Errorf("digest %q, want %q (%d lines on the Nieuw page):\n%s", subject, want, lines, body)
	}
	// Nothing about any patient: no BSN or other long number, no name, no diagnosis, no document.
	text := subject + "\n" + msgs[1].Data + "\n" + body
	// (The raw message's Message-ID is random hex, which may hold nine digits in a row.)
	if n := regexp.MustCompile(`\d{9}`).FindString(subject + "\n" + body); n != "" {
		t.Errorf("the digest carries a BSN-like number %s", n)
	}
	patients, err := env.Store.AllPatients(ctx)
	if err != nil || len(patients) < 10 {
		t.Fatalf("demo patients: %v, %d", err, len(patients))
	}
	for _, p := range patients {
		conditions, err := env.Store.Conditions(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		letters, _ := env.Store.Letters(ctx, p.ID)
		never := []string{p.BSN, p.FamilyName, p.PatientNumber}
		for _, c := range conditions {
			never = append(never, c.Display)
		}
		for _, l := range letters {
			never = append(never, l.Title)
		}
		for _, s := range never {
			if s != "" && regexp.MustCompile(`(?i)\b`+regexp.QuoteMeta(s)+`\b`).MatchString(text) {
				t.Errorf("the digest names %q of patient %d", s, p.ID)
			}
		}
	}
	// One a day: more rounds of the worker send nothing more.
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(relay.Messages()); n != 2 {
		t.Errorf("%d mails, want the confirmation and one digest", n)
	}
	recs, _ := env.Store.AccessRecordsAfter(ctx, 0, 100000)
	noted := 0
	for _, r := range recs {
		if r.Event == "notification" {
			noted++
			if r.UserUZI != gpCard.UZINumber || r.PatientBSN != "" || !strings.Contains(r.Detail, fmt.Sprintf("%d new item(s)", lines)) {
				t.Errorf("notification record %+v", r)
			}
		}
	}
	if noted != 1 {
		t.Errorf("%d notification records, want 1", noted)
	}
	// Stopping: the address is gone.
	if resp := gp.Post(t, "/meldingen/stop", nil); resp.Status != http.StatusSeeOther {
		t.Fatalf("stop: %d", resp.Status)
	}
	if _, err := env.Store.DigestSubscriptionOf(ctx, gpCard.UZINumber); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the address stayed after stopping: %v", err)
	}
}

// TestDigestOffByDefault: without digest.enabled the page says so and its forms do not exist.
func TestDigestOffByDefault(t *testing.T) {
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	gp := env.Client(t, devpki.CardGP)
	page := gp.Get(t, "/meldingen")
	checkPage(t, "digest off", page, http.StatusOK)
	if !strings.Contains(page.Body, "niet aangezet") || strings.Contains(page.Body, `name="address"`) {
		t.Errorf("the page does not say the digest is off:\n%s", page.Body)
	}
	if resp := gp.Post(t, "/meldingen", url.Values{"address": {"a@b.example"}}); resp.Status != http.StatusNotFound {
		t.Errorf("register while off: %d", resp.Status)
	}
	if strings.Contains(gp.Get(t, "/nieuw").Body, `href="/meldingen"`) {
		t.Error("the Nieuw page offers a digest that is off")
	}
}

// TestDigestConfirmationsAreLimited: a provider cannot make the portal mail an address again and again:
// the sixth registration of a day is refused (429) with a page that says why, and queues no mail.
func TestDigestConfirmationsAreLimited(t *testing.T) {
	env, _ := digestEnv(t)
	gp := env.Client(t, devpki.CardGP)
	gpCard, _ := devpki.CardByName(devpki.CardGP)
	gp.Get(t, "/meldingen")
	for i := range store.MaxConfirmationsPerDay {
		if resp := gp.Post(t, "/meldingen", url.Values{"address": {fmt.Sprintf("a%d@delinde.example", i)}}); resp.Status != http.StatusSeeOther {
			t.Fatalf("registration %d: %d", i+1, resp.Status)
		}
	}
	resp := gp.Post(t, "/meldingen", url.Values{"address": {"victim@elders.example"}})
	if resp.Status != http.StatusTooManyRequests || !strings.Contains(resp.Body, "vijf keer") {
		t.Fatalf("sixth registration: %d\n%s", resp.Status, resp.Body)
	}
	mails, err := env.Store.MailOf(t.Context(), gpCard.UZINumber)
	if err != nil || len(mails) != store.MaxConfirmationsPerDay {
		t.Fatalf("%d mails queued (%v), want %d", len(mails), err, store.MaxConfirmationsPerDay)
	}
	for _, m := range mails {
		if m.Recipient == "victim@elders.example" {
			t.Error("the refused registration queued a mail")
		}
	}
}

// TestNewsAndDigestPagesInEnglish: the Nieuw page, the start page with its marks and the digest's pages
// speak English when asked, with no message missing in either language.
func TestNewsAndDigestPagesInEnglish(t *testing.T) {
	env, _ := digestEnv(t)
	gp := env.Client(t, devpki.CardGP)
	for _, tc := range []struct{ path, nl, en string }{
		{"/nieuw", "Nieuw bij uw patiënten", "What is new for your patients"},
		{"/?toon=nieuw", "Patiënten met iets nieuws", "Patients with something new"},
		{"/meldingen", "E-mailmelding van nieuwe documenten", "E-mail notice of new items"},
	} {
		sep := "?"
		if strings.Contains(tc.path, "?") {
			sep = "&"
		}
		nl := gp.Get(t, tc.path+sep+"lang=nl")
		checkPage(t, tc.path+" nl", nl, http.StatusOK)
		en := gp.Get(t, tc.path+sep+"lang=en")
		checkPage(t, tc.path+" en", en, http.StatusOK)
		if !strings.Contains(nl.Body, tc.nl) || !strings.Contains(en.Body, tc.en) {
			t.Errorf("%s does not speak both languages", tc.path)
		}
	}
}
