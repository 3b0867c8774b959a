package digest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zorgverlenersportaal/portal/digest"
	"zorgverlenersportaal/portal/digest/smtptest"
	"zorgverlenersportaal/portal/store"
)

// readMail decodes a received message: subject and plain-text body.
func readMail(t *testing.T, data string) (subject, body string, header mail.Header) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("not a mail: %v\n%s", err, data)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(raw), m.Header
}

// fixture is a store with one confirmed address, a test relay and a worker on a clock the test moves.
type fixture struct {
	st      *store.Store
	relay   *smtptest.Server
	worker  *digest.Worker
	now     time.Time
	mu      sync.Mutex
	notices []store.OutboxMail
	count   int
}

const uzi = "900000123"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, relay: smtptest.Start(t), count: 3,
		now: time.Date(2026, 12, 8, 6, 30, 0, 0, time.UTC)} // 07:30 in Amsterdam
	hash, expires := "abc123", f.now.Add(time.Hour)
	if err := st.RegisterDigestAddress(ctx, store.DigestSubscription{UZI: uzi, Name: "A. Arts", RoleCode: "01.015",
		AGB: "01000001", URA: "90000101", Address: "a.arts@praktijk.example", TokenHash: &hash, TokenExpiresAt: &expires,
		RegisteredAt: f.now}, store.OutboxMail{UZI: uzi, Kind: "confirm", Recipient: "a.arts@praktijk.example",
		Subject: "Bevestig", Body: "link", CreatedAt: f.now}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmDigestAddress(ctx, uzi, hash, f.now); err != nil {
		t.Fatal(err)
	}
	f.worker = &digest.Worker{
		Outbox: st,
		Sender: digest.Relay{Addr: f.relay.Addr, From: "portaal@ziekenhuis.example", Timeout: 5 * time.Second},
		Count: func(context.Context, store.DigestSubscription, time.Time) (int, error) {
			return f.count, nil
		},
		Notified: func(_ context.Context, m store.OutboxMail) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.notices = append(f.notices, m)
			return nil
		},
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:         func() time.Time { return f.now },
		From:        "portaal@ziekenhuis.example",
		Hospital:    "Ziekenhuis Rivierenland",
		PortalURL:   "https://portaal.ziekenhuis.example/",
		SendAt:      []string{"07:00", "12:00"},
		Poll:        time.Minute,
		Backoff:     time.Minute,
		MaxBackoff:  time.Hour,
		MaxAttempts: 5,
	}
	return f
}

func (f *fixture) digests() []smtptest.Message {
	var out []smtptest.Message
	for _, m := range f.relay.Messages() {
		if strings.Contains(m.Data, "nieuw") {
			out = append(out, m)
		}
	}
	return out
}

// TestDigestSaysOnlyHowMany: the digest that reaches the relay says how many items wait and links to the
// portal, in Dutch and English, as a well-formed message to the registered address; the access-log
// callback hears who was told of how many items.
func TestDigestSaysOnlyHowMany(t *testing.T) {
	f := newFixture(t)
	f.worker.Tick(t.Context())
	msgs := f.digests()
	if len(msgs) != 1 {
		t.Fatalf("%d digests, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "portaal@ziekenhuis.example" || len(m.To) != 1 || m.To[0] != "a.arts@praktijk.example" {
		t.Errorf("envelope %s -> %v", m.From, m.To)
	}
	subject, body, h := readMail(t, m.Data)
	if subject != "3 nieuwe documenten in het Zorgverlenersportaal van Ziekenhuis Rivierenland" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"3 nieuwe documenten", "3 new items", "https://portaal.ziekenhuis.example/"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if h.Get("To") != "a.arts@praktijk.example" || h.Get("Message-ID") == "" || h.Get("Date") == "" {
		t.Errorf("headers %v", h)
	}
	if len(f.notices) != 1 || f.notices[0].UZI != uzi || f.notices[0].Items != 3 {
		t.Errorf("access-log notices %+v", f.notices)
	}
}

// TestAtMostOneDigestADay: later rounds and ticks of the same day send nothing more, also when new items
// arrive; the next day sends again; a day without news sends nothing.
func TestAtMostOneDigestADay(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.worker.Tick(ctx)
	f.count = 7
	for _, at := range []time.Duration{time.Minute, 5 * time.Hour, 6 * time.Hour, 16 * time.Hour} { // up to 22:30 Amsterdam
		f.now = time.Date(2026, 12, 8, 6, 30, 0, 0, time.UTC).Add(at)
		f.worker.Tick(ctx)
	}
	if n := len(f.digests()); n != 1 {
		t.Fatalf("%d digests on one day, want 1", n)
	}
	// A second worker (another instance) on the same day sends nothing either.
	other := *f.worker
	other.Tick(ctx)
	if n := len(f.digests()); n != 1 {
		t.Fatalf("a second instance sent another digest: %d", n)
	}
	f.now = time.Date(2026, 12, 9, 6, 1, 0, 0, time.UTC)
	f.worker.Tick(ctx)
	if msgs := f.digests(); len(msgs) != 2 {
		t.Fatalf("%d digests after the second morning, want 2", len(msgs))
	} else if subject, _, _ := readMail(t, msgs[1].Data); !strings.HasPrefix(subject, "7 nieuwe documenten") {
		t.Errorf("second day's subject %q", subject)
	}
	f.count = 0
	f.now = time.Date(2026, 12, 10, 11, 0, 0, 0, time.UTC)
	f.worker.Tick(ctx)
	if n := len(f.digests()); n != 2 {
		t.Errorf("a day without news sent a digest")
	}
}

// TestDigestBeforeTheFirstSendTime: before the day's first send time nothing is queued.
func TestDigestBeforeTheFirstSendTime(t *testing.T) {
	f := newFixture(t)
	f.now = time.Date(2026, 12, 8, 5, 30, 0, 0, time.UTC) // 06:30 in Amsterdam
	f.worker.Tick(t.Context())
	if n := len(f.digests()); n != 0 {
		t.Fatalf("%d digests before 07:00", n)
	}
}

// TestDigestRetriedAfterAFailingRelay: a relay that refuses twice gets the mail on the third try, after
// a pause of one and then two minutes, never earlier; the mail is sent once and noted once.
func TestDigestRetriedAfterAFailingRelay(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.relay.FailNext(4) // the confirmation mail and the digest are both refused twice
	start := f.now
	f.worker.Tick(ctx)
	if f.relay.Refused() != 2 || len(f.relay.Messages()) != 0 {
		t.Fatalf("first tick: %d refused, %d accepted", f.relay.Refused(), len(f.relay.Messages()))
	}
	f.now = start.Add(30 * time.Second)
	f.worker.Tick(ctx)
	if f.relay.Refused() != 2 {
		t.Fatal("retried before the backoff ran out")
	}
	f.now = start.Add(time.Minute)
	f.worker.Tick(ctx) // both refused a second time
	if f.relay.Refused() != 4 || len(f.digests()) != 0 {
		t.Fatalf("second try: %d refused, %d digests", f.relay.Refused(), len(f.digests()))
	}
	f.now = start.Add(2 * time.Minute)
	f.worker.Tick(ctx)
	if len(f.digests()) != 0 {
		t.Fatal("the second pause was not twice the first")
	}
	f.now = start.Add(3 * time.Minute)
	f.worker.Tick(ctx)
	if n := len(f.digests()); n != 1 {
		t.Fatalf("%d digests after the relay recovered, want 1", n)
	}
	f.now = start.Add(time.Hour)
	f.worker.Tick(ctx)
	if n := len(f.digests()); n != 1 || len(f.notices) != 1 {
		t.Fatalf("%d digests, %d notices after delivery, want 1 and 1", n, len(f.notices))
	}
	mails, err := f.st.MailOf(ctx, uzi)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.SentAt == nil || m.Body != "" {
			t.Errorf("mail %d (%s): sent %v, body kept %q", m.ID, m.Kind, m.SentAt, m.Body)
		}
		if m.Kind == "digest" && m.Attempts != 3 {
			t.Errorf("digest took %d attempts, want 3", m.Attempts)
		}
	}
}

// TestMailGivenUp: a relay that never accepts makes the worker give the mail up after MaxAttempts, and
// stop trying.
func TestMailGivenUp(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.relay.FailNext(1000)
	f.worker.MaxAttempts = 3
	start := f.now
	for i := range 6 { // hourly, within the one day
		f.now = start.Add(time.Duration(i) * time.Hour)
		f.worker.Tick(ctx)
	}
	if got := f.relay.Refused(); got != 6 { // two mails, three tries each
		t.Errorf("%d attempts, want 6", got)
	}
	mails, _ := f.st.MailOf(ctx, uzi)
	for _, m := range mails {
		if m.GivenUpAt == nil || m.Body != "" || !strings.Contains(m.LastError, "451") {
			t.Errorf("mail %d not given up cleanly: %+v", m.ID, m)
		}
	}
}

// TestRelayRequiresTLS: with require_tls a relay without STARTTLS gets nothing.
func TestRelayRequiresTLS(t *testing.T) {
	relay := smtptest.Start(t)
	r := digest.Relay{Addr: relay.Addr, From: "portaal@ziekenhuis.example", RequireTLS: true, Timeout: 5 * time.Second}
	err := r.Send(t.Context(), "a@b.example", []byte("Subject: x\r\n\r\nx\r\n"))
	if !errors.Is(err, digest.ErrNoTLS) || len(relay.Messages()) != 0 {
		t.Fatalf("err %v, %d messages", err, len(relay.Messages()))
	}
}

// TestParseAddress: one plain address passes; display names, lists, line breaks (header injection) and
// other shapes are refused.
func TestParseAddress(t *testing.T) {
	for _, ok := range []string{"a.arts@praktijk.nl", " h.de.vries@huisarts-delinde.nl "} {
		if _, err := digest.ParseAddress(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "arts", "arts@", "@praktijk.nl", "arts@praktijk", "A Arts <a@praktijk.nl>",
		"a@praktijk.nl, b@praktijk.nl", "a@praktijk.nl\r\nBcc: x@evil.example", "a@praktijk.nl\nSubject: x",
		"a b@praktijk.nl", "a@.nl", strings.Repeat("a", 250) + "@x.nl"} {
		if _, err := digest.ParseAddress(bad); !errors.Is(err, digest.ErrBadAddress) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestMessageIsPlainText: the message is UTF-8 quoted-printable with the subject as an encoded word, so
// that a hospital name with an accent survives any relay.
func TestMessageIsPlainText(t *testing.T) {
	msg, err := digest.Message("portaal@zh.example", "a@b.example", "2 nieuwe documenten van Ziekenhuis Zeeën", "Zeeën\r\n", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	subject, body, h := readMail(t, string(msg))
	if subject != "2 nieuwe documenten van Ziekenhuis Zeeën" || !strings.Contains(body, "Zeeën") ||
		h.Get("Content-Transfer-Encoding") != "quoted-printable" || bytes.ContainsRune(msg, 'ë') {
		t.Errorf("message:\n%s", msg)
	}
}
