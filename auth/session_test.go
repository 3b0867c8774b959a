package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

// roundTrip issues a session cookie with one Sessions and reads it back with another.
func roundTrip(t *testing.T, issuer, reader *Sessions, v Session, fingerprint string) (Session, SessionState) {
	t.Helper()
	rec := httptest.NewRecorder()
	if _, err := issuer.Start(rec, httptest.NewRequest(http.MethodGet, "/", nil), v); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	return reader.Load(req, fingerprint)
}

func TestSessionStates(t *testing.T) {
	keys, err := LoadOrCreateSessionKeys(filepath.Join(t.TempDir(), "keys", "session.keys"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	issuer := NewSessions(keys, 15*time.Minute, 12*time.Hour)
	issuer.Now = func() time.Time { return now }
	v := Session{UZI: "900100001", Fingerprint: "fp-a", AGB: "01012345"}
	tests := []struct {
		name        string
		later       time.Duration
		fingerprint string
		want        SessionState
	}{
		{"same card soon after", time.Minute, "fp-a", Active},
		{"another card on the same cookie", time.Minute, "fp-b", OtherCard},
		{"idle too long", 16 * time.Minute, "fp-a", IdleExpired},
		{"older than the absolute timeout", 13 * time.Hour, "fp-a", AbsoluteExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reader := NewSessions(keys, 15*time.Minute, 12*time.Hour)
			reader.Now = func() time.Time { return now.Add(tt.later) }
			got, state := roundTrip(t, issuer, reader, v, tt.fingerprint)
			if state != tt.want {
				t.Fatalf("state = %v, want %v", state, tt.want)
			}
			if state == Active && (got.UZI != v.UZI || got.AGB != v.AGB || got.ID == "") {
				t.Fatalf("session read back as %+v", got)
			}
		})
	}
}

func TestForgedOrForeignCookieIsNoSession(t *testing.T) {
	dir := t.TempDir()
	keysA, _ := LoadOrCreateSessionKeys(filepath.Join(dir, "a.keys"))
	keysB, _ := LoadOrCreateSessionKeys(filepath.Join(dir, "b.keys"))
	_, state := roundTrip(t, NewSessions(keysA, time.Hour, time.Hour), NewSessions(keysB, time.Hour, time.Hour), Session{UZI: "1", Fingerprint: "fp"}, "fp")
	if state != NoSession {
		t.Fatalf("a cookie from other keys gave state %v", state)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: "MTIzNDU2Nzg5MA==|forged|signature"})
	if _, state := NewSessions(keysA, time.Hour, time.Hour).Load(req, "fp"); state != NoSession {
		t.Fatalf("a forged cookie gave state %v", state)
	}
}

func TestRotatedKeysStillReadOldSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session.keys")
	old, err := LoadOrCreateSessionKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := RotateSessionKeys(path); err != nil {
		t.Fatal(err)
	}
	rotated, err := LoadOrCreateSessionKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rotated) != 4 {
		t.Fatalf("after one rotation want 2 key pairs, got %d keys", len(rotated))
	}
	if _, state := roundTrip(t, NewSessions(old, time.Hour, time.Hour), NewSessions(rotated, time.Hour, time.Hour), Session{UZI: "1", Fingerprint: "fp"}, "fp"); state != Active {
		t.Fatalf("a session made with the old keys is %v after rotation", state)
	}
}

func TestLoggedOutMarker(t *testing.T) {
	keys, _ := LoadOrCreateSessionKeys(filepath.Join(t.TempDir(), "k"))
	s := NewSessions(keys, time.Hour, time.Hour)
	rec := httptest.NewRecorder()
	if err := s.End(rec, httptest.NewRequest(http.MethodPost, "/logout", nil), true); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %s lacks HttpOnly/Secure/SameSite=Strict: %+v", c.Name, c)
		}
		req.AddCookie(c)
	}
	if _, state := s.Load(req, "fp"); state != LoggedOut {
		t.Fatalf("state after logout = %v", state)
	}
}

// TestTouchRenewsTheCookieOnlyWhenActivityIsStale: a click soon after the recorded activity leaves the
// cookie as it is (no re-encryption per request); a later one records the activity anew.
func TestTouchRenewsTheCookieOnlyWhenActivityIsStale(t *testing.T) {
	keys, err := LoadOrCreateSessionKeys(filepath.Join(t.TempDir(), "keys", "session.keys"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s := NewSessions(keys, 15*time.Minute, 12*time.Hour)
	s.Now = func() time.Time { return now }
	v, err := s.Start(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), Session{UZI: "900100001", Fingerprint: "fp"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		later  time.Duration
		cookie bool
	}{{time.Second, false}, {TouchInterval - time.Millisecond, false}, {TouchInterval, true}, {10 * time.Minute, true}} {
		now = v.SeenAt.Add(tt.later)
		rec := httptest.NewRecorder()
		if err := s.Touch(rec, httptest.NewRequest(http.MethodGet, "/", nil), v); err != nil {
			t.Fatal(err)
		}
		if got := len(rec.Result().Cookies()) > 0; got != tt.cookie {
			t.Errorf("touch %s after the recorded activity: new cookie %v, want %v", tt.later, got, tt.cookie)
		}
	}
}

// memoryLedger is a SessionLedger for the tests of this package.
type memoryLedger map[string]time.Time

func (l memoryLedger) Ended(id string) bool { _, ok := l[id]; return ok }
func (l memoryLedger) End(_ context.Context, id string, until time.Time) error {
	l[id] = until
	return nil
}

func TestRevokedSessionStaysLoggedOutInEveryCopyOfItsCookie(t *testing.T) {
	keys, _ := LoadOrCreateSessionKeys(filepath.Join(t.TempDir(), "k"))
	ledger := memoryLedger{}
	s := NewSessions(keys, time.Hour, 12*time.Hour)
	s.Ledger = ledger
	rec := httptest.NewRecorder()
	v, err := s.Start(rec, httptest.NewRequest(http.MethodGet, "/", nil), Session{UZI: "1", Fingerprint: "fp"})
	if err != nil {
		t.Fatal(err)
	}
	copyOf := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		for _, c := range rec.Result().Cookies() {
			req.AddCookie(c)
		}
		return req
	}
	if _, state := s.Load(copyOf(), "fp"); state != Active {
		t.Fatalf("before revocation: %v", state)
	}
	if err := s.Revoke(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	if until := ledger[v.ID]; !until.Equal(v.LoginAt.Add(12 * time.Hour)) {
		t.Errorf("ledger keeps the session until %v, want its absolute timeout", until)
	}
	if _, state := s.Load(copyOf(), "fp"); state != LoggedOut {
		t.Fatalf("a copy of a revoked session's cookie: %v", state)
	}
}

func TestTwoSessionCookiesAreNoSession(t *testing.T) {
	keys, _ := LoadOrCreateSessionKeys(filepath.Join(t.TempDir(), "k"))
	s := NewSessions(keys, time.Hour, time.Hour)
	rec := httptest.NewRecorder()
	if _, err := s.Start(rec, httptest.NewRequest(http.MethodGet, "/", nil), Session{UZI: "1", Fingerprint: "fp"}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
		req.AddCookie(c)
	}
	if _, state := s.Load(req, "fp"); state != NoSession {
		t.Fatalf("two session cookies gave state %v", state)
	}
}

func TestRotationKeepsThreePairsAndForgetsTheOldest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session.keys")
	first, err := LoadOrCreateSessionKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range MaxSessionKeyPairs {
		if err := RotateSessionKeys(path); err != nil {
			t.Fatal(err)
		}
		keys, err := LoadOrCreateSessionKeys(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := 2 * min(i+2, MaxSessionKeyPairs); len(keys) != want {
			t.Fatalf("after %d rotations: %d keys, want %d", i+1, len(keys), want)
		}
		_, state := roundTrip(t, NewSessions(first, time.Hour, time.Hour), NewSessions(keys, time.Hour, time.Hour), Session{UZI: "1", Fingerprint: "fp"}, "fp")
		if stillThere := i+1 < MaxSessionKeyPairs; (state == Active) != stillThere {
			t.Fatalf("after %d rotations a cookie of the first pair is %v", i+1, state)
		}
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("keys file mode %v, %v", info.Mode(), err)
	}
}

// TestSessionValuesAreReadOnlyInTheirOwnShape: the cookie's values are JSON of strings, whole numbers
// and booleans. A cookie written in securecookie's gob format (the portal's format before) with the very
// same keys is no session, and the decoder refuses any other shape instead of guessing.
func TestSessionValuesAreReadOnlyInTheirOwnShape(t *testing.T) {
	keys, err := LoadOrCreateSessionKeys(filepath.Join(t.TempDir(), "session.keys"))
	if err != nil {
		t.Fatal(err)
	}
	gob := securecookie.New(keys[0], keys[1])
	old, err := gob.Encode(SessionCookie, map[any]any{"sid": "abc", "fp": "fp", "login": time.Now().UnixMilli(), "seen": time.Now().UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: old})
	if _, state := NewSessions(keys, time.Hour, time.Hour).Load(req, "fp"); state != NoSession {
		t.Fatalf("a gob cookie gave state %v", state)
	}

	var codec sessionValues
	if _, err := codec.Serialize(map[any]any{"seen": time.Now()}); err == nil {
		t.Error("a time.Time value was written")
	}
	if _, err := codec.Serialize(map[any]any{1: "x"}); err == nil {
		t.Error("a number key was written")
	}
	for _, bad := range []string{`{"seen": 1.5}`, `{"sid": {"x": 1}}`, `{"sid": ["x"]}`, `{"sid": null}`, `{"sid": "a"} {}`, `["sid"]`, `not json`} {
		values := map[any]any{}
		if err := codec.Deserialize([]byte(bad), &values); err == nil {
			t.Errorf("%s was read as %v", bad, values)
		}
	}
	values := map[any]any{}
	if err := codec.Deserialize([]byte(`{"sid":"a","login":1764000000000,"out":true}`), &values); err != nil {
		t.Fatal(err)
	}
	if values["sid"] != "a" || values["login"] != int64(1764000000000) || values["out"] != true {
		t.Errorf("read back as %#v", values)
	}
}

// BenchmarkSessionLoad reads a session cookie as every request does: check the signature, decrypt, decode
// the values and judge them.
//
//	go test -run '^$' -bench SessionLoad -benchmem ./auth
func BenchmarkSessionLoad(b *testing.B) {
	keys, err := LoadOrCreateSessionKeys(filepath.Join(b.TempDir(), "session.keys"))
	if err != nil {
		b.Fatal(err)
	}
	s := NewSessions(keys, time.Hour, 12*time.Hour)
	rec := httptest.NewRecorder()
	if _, err := s.Start(rec, httptest.NewRequest(http.MethodGet, "/", nil), Session{UZI: "900100001", Fingerprint: "fp", AGB: "01012345"}); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, state := s.Load(req, "fp"); state != Active {
			b.Fatalf("state %v", state)
		}
	}
}
