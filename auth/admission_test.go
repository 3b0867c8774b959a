package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/uzi"
)

func TestPolicy(t *testing.T) {
	admin := "900100011"
	const hospital, elsewhere = "90000001", "90000101"
	adminPolicy := Policy{Administrators: []string{admin}, HospitalURA: hospital}
	adminCard := func(ura string) uzi.Identity { id := nCard(admin); id.SubscriberNumber = ura; return id }
	adminZCard := zCard("01.015")
	adminZCard.UZINumber, adminZCard.SubscriberNumber = admin, hospital
	tests := []struct {
		name   string
		policy Policy
		id     uzi.Identity
		want   string
	}{
		{"GP admitted", Policy{AdmittedRoles: []string{"01.015"}}, zCard("01.015"), ""},
		{"prefix admits a profession", Policy{AdmittedRoles: []string{"17.*"}}, zCard("17.075"), ""},
		{"prefix with digits", Policy{AdmittedRoles: []string{"01.0*"}}, zCard("01.016"), ""},
		{"role not admitted", Policy{AdmittedRoles: []string{"01.015", "17.*"}}, zCard("30.000"), ReasonRoleNotAdmitted},
		{"prefix does not overreach", Policy{AdmittedRoles: []string{"01.0*"}}, zCard("01.104"), ReasonRoleNotAdmitted},
		{"admitted by prefix but without a scope", Policy{AdmittedRoles: []string{"01.0*"}, HasScope: func(r string) bool { return r != "01.070" }}, zCard("01.070"), ReasonRoleNotAdmitted},
		{"admitted by prefix with a scope", Policy{AdmittedRoles: []string{"01.0*"}, HasScope: func(r string) bool { return r != "01.070" }}, zCard("01.000"), ""},
		{"N card refused by default", Policy{AdmittedRoles: []string{"01.*"}}, nCard("900100008"), ReasonCardTypeRefused},
		{"N card with delegated staff", Policy{AdmitEmployeeCards: true}, nCard("900100008"), ""},
		{"administrator's N card of the hospital always", adminPolicy, adminCard(hospital), ""},
		{"administrator's N card of another organisation is an ordinary N card", adminPolicy, adminCard(elsewhere), ReasonCardTypeRefused},
		{"administrator's UZI number without a hospital URA configured", Policy{Administrators: []string{admin}}, adminCard(hospital), ReasonCardTypeRefused},
		{"M card never", Policy{AdmitEmployeeCards: true, AdmittedRoles: []string{"00.000"}}, uzi.Identity{CardType: uzi.CardMedewerkerNietOpNaam, RoleCode: "00.000"}, ReasonCardTypeRefused},
		{"S certificate never", Policy{AdmitEmployeeCards: true, Administrators: []string{admin}}, uzi.Identity{CardType: uzi.CardServer, UZINumber: admin, RoleCode: "00.000"}, ReasonCardTypeRefused},
	}
	// No configuration admits company, insurance or public-health doctors: every pattern that covers them.
	everything := Policy{AdmitEmployeeCards: true, AdmittedRoles: []string{"01.008", "01.048", "01.055", "01.*", "01.0*", "01.00*", "01.04*", "01.05*", "*"}}
	for _, role := range NeverAdmittedRoles() {
		tests = append(tests, struct {
			name   string
			policy Policy
			id     uzi.Identity
			want   string
		}{"never " + role, everything, zCard(role), ReasonRoleNeverAdmitted})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reasonOf(tt.policy.Check(tt.id)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		name string
		id   uzi.Identity
		want bool
	}{
		{"N card of the hospital", adminCard(hospital), true},
		{"N card of another organisation", adminCard(elsewhere), false},
		{"the same person's zorgverlenerpas for the hospital", adminZCard, false},
		{"N card of the hospital of somebody else", func() uzi.Identity { id := nCard("900100008"); id.SubscriberNumber = hospital; return id }(), false},
	} {
		if got := adminPolicy.IsAdministrator(tt.id); got != tt.want {
			t.Errorf("administrator: %s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := NeverAdmittedRoles(); fmt.Sprint(got) != "[01.008 01.048 01.055]" {
		t.Errorf("never-admitted roles %v", got)
	}
}

func zCard(role string) uzi.Identity {
	return uzi.Identity{CardType: uzi.CardZorgverlener, UZINumber: "900100001", RoleCode: role, GivenName: "Anna", Surname: "de Vries", AGBCode: uzi.NoAGBCode}
}

func nCard(uziNumber string) uzi.Identity {
	return uzi.Identity{CardType: uzi.CardMedewerkerOpNaam, UZINumber: uziNumber, RoleCode: "00.000", AGBCode: uzi.NoAGBCode}
}

// memoryLinks is a LinkStore in memory with the store's rules.
type memoryLinks struct {
	mu     sync.Mutex
	links  map[string]AGBLink
	claims []AGBClaim
	orgs   map[string][]string // URA -> AGB codes of the organisation
	fail   error
}

func (m *memoryLinks) AGBLinksOfCode(_ context.Context, code string) ([]AGBLink, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []AGBLink
	for _, l := range m.links {
		if l.Code == code {
			out = append(out, l)
		}
	}
	return out, nil
}

func (m *memoryLinks) SaveAGBClaim(_ context.Context, c AGBClaim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, other := range m.claims {
		if other.UZINumber == c.UZINumber && other.Status == ClaimStatusPending {
			return errors.New("a claim of this UZI number waits already")
		}
	}
	c.ID = int64(len(m.claims) + 1)
	m.claims = append(m.claims, c)
	return nil
}

func (m *memoryLinks) LatestAGBClaim(_ context.Context, uziNumber string) (AGBClaim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.claims) - 1; i >= 0; i-- {
		if m.claims[i].UZINumber == uziNumber {
			return m.claims[i], nil
		}
	}
	return AGBClaim{}, ErrNoClaim
}

func (m *memoryLinks) OrganisationAGBCodes(_ context.Context, ura string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.orgs[ura], nil
}

func (m *memoryLinks) AGBLink(_ context.Context, uziNumber string) (AGBLink, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return AGBLink{}, m.fail
	}
	l, ok := m.links[uziNumber]
	if !ok {
		return AGBLink{}, ErrNoLink
	}
	return l, nil
}

func (m *memoryLinks) SaveAGBLink(_ context.Context, l AGBLink) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for uziNumber, other := range m.links {
		if other.Code == l.Code && uziNumber != l.UZINumber && l.Source == LinkSourceEntered {
			return ErrLinkedElsewhere
		}
	}
	m.links[l.UZINumber] = l
	return nil
}

func (m *memoryLinks) RecordAGBCheck(_ context.Context, uziNumber string, at time.Time, outcome string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.links[uziNumber]
	l.CheckedAt, l.Outcome = at, outcome
	m.links[uziNumber] = l
	return nil
}

func register(t *testing.T, regs ...agb.Registration) *agb.MapRegister {
	t.Helper()
	m, err := agb.NewMapRegister(regs...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// gpRegistration is a huisarts's registration; the initials are those of the test cards' given names
// (Anna de Vries, Bram Jansen).
func gpRegistration(code, surname string, end agb.Date) agb.Registration {
	status := agb.StatusActive
	if !end.IsZero() {
		status = agb.StatusEnded
	}
	initials := map[string]string{"Vries": "A.", "Jansen": "B."}[surname]
	return agb.Registration{Code: agb.Code(code), Kind: agb.KindZorgverlener, Surname: surname, Initials: initials, Start: agb.MustDate(2010, 1, 1), End: end,
		Status: status, Qualifications: []agb.Qualification{{Code: "0101", Start: agb.MustDate(2010, 1, 1)}}}
}

func TestAdmissionAGB(t *testing.T) {
	ctx := context.Background()
	reg := register(t,
		gpRegistration("01012345", "Vries", agb.Date{}),
		gpRegistration("01023456", "Jansen", agb.Date{}),
		gpRegistration("01067890", "Jansen", agb.MustDate(2015, 8, 31)),
	)
	links := &memoryLinks{links: map[string]AGBLink{}}
	policy := Policy{AdmittedRoles: []string{"01.015"}, Administrators: []string{"900100011"}, HospitalURA: "90000001"}
	a := NewAdmission(policy, nil, reg, links, nil)

	t.Run("code on the card", func(t *testing.T) {
		p := &Provider{Identity: zCard("01.015")}
		p.AGBCode, p.Surname = "01012345", "de Vries"
		if err := a.Admit(ctx, p, nil); err != nil || p.AGB != "01012345" {
			t.Fatalf("err %v, AGB %q", err, p.AGB)
		}
		if l := links.links["900100001"]; l.Source != LinkSourceCard || l.Outcome != OutcomeAdmitted {
			t.Errorf("link %+v", l)
		}
	})
	t.Run("code on the card that ended", func(t *testing.T) {
		p := &Provider{Identity: zCard("01.015")}
		p.UZINumber, p.AGBCode, p.Surname = "900100020", "01067890", "Jansen"
		if got := reasonOf(a.Admit(ctx, p, nil)); got != "agb.ended" || p.AGB != "" {
			t.Fatalf("got %q, AGB %q", got, p.AGB)
		}
		if needed, err := a.NeedsAGBEntry(ctx, p, nil); needed || err != nil {
			t.Errorf("a card with a code may not type another: %v %v", needed, err)
		}
	})
	bram := func() *Provider {
		p := &Provider{Identity: zCard("01.015")}
		p.UZINumber, p.GivenName, p.Surname = "900100002", "Bram", "Jansen"
		return p
	}
	t.Run("no code: ask, accept, re-check", func(t *testing.T) {
		if err := a.Admit(ctx, bram(), nil); !errors.Is(err, ErrAGBNeeded) {
			t.Fatalf("got %v, want ErrAGBNeeded", err)
		}
		if got := reasonOf(a.AcceptAGB(ctx, bram(), nil, "01067890")); got != "agb.ended" {
			t.Fatalf("ended code: %q", got)
		}
		if got := reasonOf(a.AcceptAGB(ctx, bram(), nil, "01012345")); got != "agb.surname-mismatch" {
			t.Fatalf("another's code: %q", got)
		}
		p := bram()
		if err := a.AcceptAGB(ctx, p, nil, " 01023456 "); err != nil || p.AGB != "01023456" {
			t.Fatalf("right code: %v, AGB %q", err, p.AGB)
		}
		if err := a.AcceptAGB(ctx, bram(), nil, "01023456"); !errors.Is(err, ErrAGBEntryNotAllowed) {
			t.Fatalf("a second code: %v", err)
		}
		p = bram()
		if err := a.Admit(ctx, p, nil); err != nil || p.AGB != "01023456" {
			t.Fatalf("next login: %v, AGB %q", err, p.AGB)
		}
		// The register ends the registration: the next login is refused and the link says why.
		if err := reg.Put(gpRegistration("01023456", "Jansen", agb.Today(time.Now()).AddDays(-1))); err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(a.Admit(ctx, bram(), nil)); got != "agb.ended" {
			t.Fatalf("after the end: %q", got)
		}
		if l := links.links["900100002"]; l.Outcome != "agb.ended" || l.Source != LinkSourceEntered {
			t.Errorf("link %+v", l)
		}
	})
	t.Run("a code linked to someone else", func(t *testing.T) {
		p := &Provider{Identity: zCard("01.015")}
		p.UZINumber, p.Surname = "900100030", "de Vries"
		if got := reasonOf(a.AcceptAGB(ctx, p, nil, "01012345")); got != ReasonAGBLinkedElsewhere {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("administrator needs no AGB code", func(t *testing.T) {
		p := &Provider{Identity: nCard("900100011")}
		p.SubscriberNumber = "90000001"
		if err := a.Admit(ctx, p, nil); err != nil || !p.Administrator || p.AGB != "" {
			t.Fatalf("err %v, %+v", err, p)
		}
	})
	t.Run("register unavailable fails closed", func(t *testing.T) {
		down := NewAdmission(policy, nil, downLookup{}, links, nil)
		p := &Provider{Identity: zCard("01.015")}
		p.AGBCode, p.Surname = "01012345", "de Vries"
		err := down.Admit(ctx, p, nil)
		if reasonOf(err) != "agb.register-unavailable" || !errors.Is(err, agb.ErrUnavailable) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the link store failing is an error, not an admission", func(t *testing.T) {
		broken := NewAdmission(policy, nil, reg, &memoryLinks{links: map[string]AGBLink{}, fail: errors.New("disk full")}, nil)
		if err := broken.Admit(ctx, bram(), nil); err == nil || errors.Is(err, ErrAGBNeeded) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestAGBAttemptsAreLimited(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	a := NewAdmission(Policy{AdmittedRoles: []string{"01.015"}}, nil, register(t, gpRegistration("01023456", "Jansen", agb.Date{})),
		&memoryLinks{links: map[string]AGBLink{}}, clock)
	p := func() *Provider {
		p := &Provider{Identity: zCard("01.015")}
		p.UZINumber, p.GivenName, p.Surname = "900100002", "Bram", "Jansen"
		return p
	}
	for range 3 {
		if got := reasonOf(a.AcceptAGB(ctx, p(), nil, "12")); got != "agb.invalid-code" { // does not count
			t.Fatalf("got %q", got)
		}
	}
	for range maxAGBAttempts {
		if got := reasonOf(a.AcceptAGB(ctx, p(), nil, "01099999")); got != "agb.not-found" {
			t.Fatalf("got %q", got)
		}
	}
	if got := reasonOf(a.AcceptAGB(ctx, p(), nil, "01023456")); got != ReasonAGBTooManyAttempts {
		t.Fatalf("after %d refusals: %q", maxAGBAttempts, got)
	}
	now = now.Add(agbAttemptWindow)
	if err := a.AcceptAGB(ctx, p(), nil, "01023456"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

type downLookup struct{}

func (downLookup) Lookup(context.Context, agb.Code) (agb.Registration, error) {
	return agb.Registration{}, fmt.Errorf("%w: test", agb.ErrUnavailable)
}

func TestClassifyHandshake(t *testing.T) {
	cert := &x509.Certificate{}
	tests := []struct {
		err  error
		want string
		cert bool
	}{
		{errors.New("tls: client didn't provide a certificate"), HandshakeNoCertificate, false},
		{&tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: x509.UnknownAuthorityError{Cert: cert}}, HandshakeUnknownCA, true},
		{&tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: x509.CertificateInvalidError{Cert: cert, Reason: x509.Expired}}, HandshakeExpired, true},
		{&tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: x509.CertificateInvalidError{Cert: &x509.Certificate{NotBefore: time.Now().Add(time.Hour)}, Reason: x509.Expired}}, HandshakeNotYetValid, true},
		{&tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: x509.CertificateInvalidError{Cert: cert, Reason: x509.IncompatibleUsage}}, HandshakeKeyUsage, true},
		{&tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: x509.CertificateInvalidError{Cert: cert, Reason: x509.NameConstraintsWithoutSANs}}, HandshakeInvalidCertificate, true},
		{errors.New("EOF"), HandshakeFailed, false},
	}
	for _, tt := range tests {
		f := ClassifyHandshake("192.0.2.1:1234", fmt.Errorf("handshake: %w", tt.err))
		if f.Reason != tt.want || (f.Certificate != nil) != tt.cert || f.RemoteAddr != "192.0.2.1:1234" {
			t.Errorf("%v: got %q (certificate %v), want %q", tt.err, f.Reason, f.Certificate != nil, tt.want)
		}
	}
}
