package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gorilla/sessions"
)

// SessionCookie is the name of the portal's session cookie. The __Host- prefix makes browsers accept it
// only when it is Secure, has Path=/ and no Domain, so that no other host under the hospital's domain can
// set or overwrite it (cookie tossing).
const SessionCookie = "__Host-zvp_session"

// SessionState says what the cookie of a request amounts to; the portal reacts differently to each
// (log in, carry on, say the session expired, say the provider logged out).
type SessionState int

// Session states.
const (
	// NoSession: no cookie, or one that cannot be read (forged, old keys, tampered).
	NoSession SessionState = iota
	// Active: a valid session of this very card, within both timeouts.
	Active
	// IdleExpired: the provider did nothing for longer than the idle timeout.
	IdleExpired
	// AbsoluteExpired: the session is older than the absolute timeout.
	AbsoluteExpired
	// OtherCard: the cookie belongs to another certificate; it must not be used.
	OtherCard
	// LoggedOut: the provider logged out in this browser, or the session was ended on the server (a logout,
	// or the cookie turned up with another card); they must choose to log in again.
	LoggedOut
)

// SessionLedger remembers the sessions that ended before their cookie would have expired by itself. A
// cookie session lives in the browser: without such a ledger, a copy of the cookie taken before a logout
// would still be a valid session until its timeouts.
type SessionLedger interface {
	// Ended reports whether the session with this id was ended.
	Ended(id string) bool
	// End records that the session ended. until is the moment its cookie expires anyway (the absolute
	// timeout), after which the ledger may forget it.
	End(ctx context.Context, id string, until time.Time) error
}

// Session is what the portal keeps about a logged-in provider in the encrypted, signed cookie: only small
// identifiers, never patient data.
type Session struct {
	ID          string
	UZI         string
	Fingerprint string
	AGB         string
	// MandateID is the mandate (machtiging) under which a named employee's card acts for a provider; zero
	// for a provider's own card, and for an employee who has not chosen yet whom they act for.
	MandateID int64
	LoginAt   time.Time
	SeenAt    time.Time
}

// Sessions issues and checks session cookies (gorilla/sessions CookieStore: AES-256 encrypted, HMAC
// signed). The keys come newest first, so that rotating keys keeps existing sessions readable.
type Sessions struct {
	store    *sessions.CookieStore
	Idle     time.Duration
	Absolute time.Duration
	Now      func() time.Time
	// Ledger, when set, is consulted on every Load and told by Revoke; without it a session ends only by
	// its timeouts or when the browser drops the cookie.
	Ledger SessionLedger
}

// NewSessions builds the session store. keyPairs alternate hash key (64 bytes) and block key (32 bytes),
// newest pair first.
func NewSessions(keyPairs [][]byte, idle, absolute time.Duration) *Sessions {
	st := sessions.NewCookieStore(keyPairs...)
	st.Options = &sessions.Options{
		Path:     "/",
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteStrictMode,
	}
	st.MaxAge(int(absolute / time.Second))
	useSessionValues(st)
	return &Sessions{store: st, Idle: idle, Absolute: absolute, Now: time.Now}
}

// Load reads the session of the request and judges it against the presenting certificate.
//
// Two cookies of that name are no session at all: a browser sends one, and a second one can only have
// been planted, so neither is trusted. A session the ledger knows as ended is LoggedOut.
func (s *Sessions) Load(r *http.Request, fingerprint string) (Session, SessionState) {
	n := 0
	for _, c := range r.Cookies() {
		if c.Name == SessionCookie {
			n++
		}
	}
	if n != 1 {
		return Session{}, NoSession
	}
	sess, err := s.store.New(r, SessionCookie)
	if err != nil || sess.IsNew {
		return Session{}, NoSession
	}
	if out, _ := sess.Values["out"].(bool); out {
		return Session{}, LoggedOut
	}
	v := Session{
		ID:          str(sess.Values["sid"]),
		UZI:         str(sess.Values["uzi"]),
		Fingerprint: str(sess.Values["fp"]),
		AGB:         str(sess.Values["agb"]),
		MandateID:   int64Value(sess.Values["mandate"]),
		LoginAt:     unixMilli(sess.Values["login"]),
		SeenAt:      unixMilli(sess.Values["seen"]),
	}
	if v.ID == "" || v.Fingerprint == "" {
		return Session{}, NoSession
	}
	if s.Ledger != nil && s.Ledger.Ended(v.ID) {
		return v, LoggedOut
	}
	if v.Fingerprint != fingerprint {
		return v, OtherCard
	}
	now := s.Now()
	if now.Sub(v.LoginAt) > s.Absolute {
		return v, AbsoluteExpired
	}
	if now.Sub(v.SeenAt) > s.Idle {
		return v, IdleExpired
	}
	return v, Active
}

// Start issues a fresh session after a successful login: a new id and new values, never a reuse of the
// old cookie's contents.
func (s *Sessions) Start(w http.ResponseWriter, r *http.Request, v Session) (Session, error) {
	now := s.Now()
	v.ID = randomID()
	v.LoginAt, v.SeenAt = now, now
	return v, s.save(w, r, v)
}

// TouchInterval is how old the recorded activity of a session must be before Touch records it anew.
// Writing the cookie means encoding, encrypting and signing it, which cost more than the rest of a
// keep-alive page view's session handling; a provider clicking through a dossier does not need a new
// cookie for every click. The price: an idle session may end up to this much before the idle timeout
// (counted from the last click) has passed. Never more than a twentieth of the idle timeout.
const TouchInterval = 15 * time.Second

// Touch records activity so that the idle timeout starts again; within TouchInterval of the recorded
// activity it leaves the cookie as it is.
func (s *Sessions) Touch(w http.ResponseWriter, r *http.Request, v Session) error {
	now := s.Now()
	if since := now.Sub(v.SeenAt); since >= 0 && since < min(TouchInterval, s.Idle/20) {
		return nil
	}
	v.SeenAt = now
	return s.save(w, r, v)
}

// Revoke ends a session on the server: every copy of its cookie, wherever it is, is LoggedOut from now
// on. The portal calls it on logout and when the cookie turns up with another card.
func (s *Sessions) Revoke(ctx context.Context, v Session) error {
	if s.Ledger == nil || v.ID == "" {
		return nil
	}
	if err := s.Ledger.End(ctx, v.ID, v.LoginAt.Add(s.Absolute)); err != nil {
		return fmt.Errorf("auth: end session: %w", err)
	}
	return nil
}

// End closes the session. With loggedOut the browser keeps a marker, so that the next page says "you are
// logged out" instead of logging the card straight in again.
func (s *Sessions) End(w http.ResponseWriter, r *http.Request, loggedOut bool) error {
	sess := sessions.NewSession(s.store, SessionCookie)
	opts := *s.store.Options
	sess.Options = &opts
	if loggedOut {
		sess.Values["out"] = true
	} else {
		sess.Options.MaxAge = -1
	}
	return s.store.Save(r, w, sess)
}

func (s *Sessions) save(w http.ResponseWriter, r *http.Request, v Session) error {
	sess := sessions.NewSession(s.store, SessionCookie)
	opts := *s.store.Options
	sess.Options = &opts
	sess.Values["sid"] = v.ID
	sess.Values["uzi"] = v.UZI
	if v.MandateID != 0 {
		sess.Values["mandate"] = v.MandateID
	}
	sess.Values["fp"] = v.Fingerprint
	sess.Values["agb"] = v.AGB
	sess.Values["login"] = v.LoginAt.UnixMilli()
	sess.Values["seen"] = v.SeenAt.UnixMilli()
	if err := s.store.Save(r, w, sess); err != nil {
		return fmt.Errorf("auth: save session: %w", err)
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// int64Value reads a whole number of the session's values; anything else is zero.
func int64Value(v any) int64 {
	n, _ := v.(int64)
	return n
}

func unixMilli(v any) time.Time {
	ms, _ := v.(int64)
	return time.UnixMilli(ms)
}

func randomID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// MaxSessionKeyPairs is how many key pairs the keys file keeps: the newest, which signs, and the older
// ones, which still read the cookies they signed.
const MaxSessionKeyPairs = 3

// sessionKeyFile is the JSON layout of session.keys_file: key pairs newest first.
type sessionKeyFile struct {
	Keys []sessionKeyPair `json:"keys"`
}

type sessionKeyPair struct {
	Hash  string `json:"hash"`
	Block string `json:"block"`
}

// LoadOrCreateSessionKeys reads the session keys, creating the file with one fresh pair on first run.
// Rotation (RotateSessionKeys, the command `keys rotate`): a new pair goes first in the file; a running
// portal reads the file only when it starts, so it signs with the new pair after a restart, and cookies
// made with older pairs stay readable until their pair drops out of the file.
func LoadOrCreateSessionKeys(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := RotateSessionKeys(path); err != nil {
			return nil, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: session keys (session.keys_file): %w", err)
	}
	var f sessionKeyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("auth: session keys %s: %w", path, err)
	}
	if len(f.Keys) == 0 {
		return nil, fmt.Errorf("auth: session keys %s: no key pair", path)
	}
	var pairs [][]byte
	for i, k := range f.Keys {
		hash, err1 := base64.StdEncoding.DecodeString(k.Hash)
		block, err2 := base64.StdEncoding.DecodeString(k.Block)
		if err1 != nil || err2 != nil || len(hash) < 32 || len(block) != 32 {
			return nil, fmt.Errorf("auth: session keys %s: pair %d must be base64 with a hash key of at least 32 bytes and a block key of 32 bytes", path, i+1)
		}
		pairs = append(pairs, hash, block)
	}
	return pairs, nil
}

// RotateSessionKeys puts a newly generated key pair in front of the existing ones (creating the file when
// needed) and keeps at most MaxSessionKeyPairs pairs, so that sessions survive a rotation: a cookie signed
// with a pair is readable until two more rotations have pushed that pair out.
func RotateSessionKeys(path string) error {
	var f sessionKeyFile
	if data, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(data, &f); err != nil {
			return fmt.Errorf("auth: session keys %s: %w", path, err)
		}
	}
	hash, block := make([]byte, 64), make([]byte, 32)
	if _, err := rand.Read(hash); err != nil {
		return err
	}
	if _, err := rand.Read(block); err != nil {
		return err
	}
	pair := sessionKeyPair{base64.StdEncoding.EncodeToString(hash), base64.StdEncoding.EncodeToString(block)}
	f.Keys = append([]sessionKeyPair{pair}, f.Keys...)
	if len(f.Keys) > MaxSessionKeyPairs {
		f.Keys = f.Keys[:MaxSessionKeyPairs]
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("auth: session keys: %w", err)
	}
	// Written beside the old file and renamed over it, so that a crash halfway leaves the old keys, never
	// a truncated file that would log everybody out.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".session-keys-*")
	if err != nil {
		return fmt.Errorf("auth: session keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: session keys: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: session keys: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: session keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("auth: session keys: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("auth: session keys: %w", err)
	}
	return nil
}
