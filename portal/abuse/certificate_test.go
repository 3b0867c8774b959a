package abuse

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"go.step.sm/crypto/x509util"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// oidSAN is the subjectAltName extension, where a UZI card carries its identity; oidSurnameAttr the
// subject's surname, which the AGB check compares with the register.
var (
	oidSAN         = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidSurnameAttr = asn1.ObjectIdentifier{2, 5, 4, 4}
)

// TestCertificates: certificates that are not a valid UZI authentication certificate, most of them from
// the trusted development CA (so that only the portal's own checks stand in the way): wrong encodings,
// the card's other certificates, a broken profile, markup in its names, unknown CAs, expired, revoked and
// never-admitted cards. The door refuses what does not verify, admission the rest; both with a page and a
// login_refused record.
func TestCertificates(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{})
	ctx := context.Background()
	gp := env.Card(t, devpki.CardGP)
	key := gp.Authentication.Key

	// issue signs a changed copy of the gp's authentication certificate with the trusted development CA.
	issue := func(t *testing.T, change func(*x509.Certificate)) tls.Certificate {
		t.Helper()
		tmpl, err := env.PKI.CardTemplate(devpki.CardGP, devpki.UsageAuthentication)
		if err != nil {
			t.Fatal(err)
		}
		change(tmpl)
		cert, err := env.PKI.IssueCustom(ctx, devpki.ZorgverlenerCA, tmpl, key.Public())
		if err != nil {
			t.Fatal(err)
		}
		tc, err := env.PKI.TLSCertificate(cert, key)
		if err != nil {
			t.Fatal(err)
		}
		return tc
	}
	// refusedPage fails unless the certificate gets the refusal page of the reason, inert, and a
	// login_refused record with the reason.
	refusedPage := func(t *testing.T, cert tls.Certificate, status int, reason string) {
		t.Helper()
		before := lastRecordID(t, env)
		resp := get(t, env.ClientWith(t, &cert), "/")
		want(t, reason, resp, status)
		inert(t, reason, resp)
		if strings.Contains(resp.Body, "Anna de Vries") && !strings.Contains(reason, "surname") {
			t.Error("the refusal page treats the certificate's holder as logged in")
		}
		findRecord(t, env, before, "the refusal "+reason, func(r store.AccessRecord) bool {
			return r.Event == "login_refused" && r.Reason == reason
		})
	}
	// doorRefused fails unless the card gets the door's page for the reason (the handshake succeeds, so
	// that the provider can be told what is wrong), no session cookie, and a login_refused record with the
	// reason and without a user: the certificate was not verified, so whatever it claims is no identity.
	doorRefused := func(t *testing.T, cert tls.Certificate, reason string) {
		t.Helper()
		before := lastRecordID(t, env)
		resp := get(t, env.ClientWith(t, &cert), "/")
		want(t, reason, resp, http.StatusForbidden)
		if !strings.Contains(resp.Body, `id="problem-title"`) || strings.Contains(resp.Body, "Mijn patiënten") {
			t.Fatalf("%s: not the door's page:\n%s", reason, resp.Body[:min(len(resp.Body), 600)])
		}
		for _, ck := range resp.Header.Values("Set-Cookie") {
			if !strings.HasPrefix(ck, "zvp_lang=") {
				t.Errorf("%s: the door's page sets a cookie: %s", reason, ck)
			}
		}
		findRecord(t, env, before, "the door's refusal "+reason, func(r store.AccessRecord) bool {
			return r.Event == "login_refused" && r.Reason == reason && r.UserUZI == ""
		})
	}

	runAttacks(t, []attack{
		{
			name:    "UZI name as a UTF8String instead of an IA5String",
			defence: "uzi.Parse: the otherName 2.5.5.5 must be an IA5String",
			try: func(t *testing.T) {
				const tmpl = `{
					"subject": {"country": "NL", "commonName": "Anna de Vries", "serialNumber": "900100001"},
					"sans": [{"type": "2.5.5.5", "value": {{ toJson (print "utf8:" .Insecure.User.uzi) }}}],
					"keyUsage": ["digitalSignature"],
					"extKeyUsage": ["clientAuth"],
					"policyIdentifiers": ["2.16.528.1.1007.99.211"],
					"crlDistributionPoints": [{{ toJson .Insecure.User.crl }}]
				}`
				data := x509util.NewTemplateData()
				data.SetUserData(map[string]any{"uzi": gp.Spec.UZIString(), "crl": env.PKI.CRLURL(devpki.ZorgverlenerCA)})
				cert, err := env.PKI.IssueCustomTemplate(ctx, devpki.ZorgverlenerCA, tmpl, data, key.Public())
				if err != nil {
					t.Fatal(err)
				}
				tc, err := env.PKI.TLSCertificate(cert, key)
				if err != nil {
					t.Fatal(err)
				}
				refusedPage(t, tc, http.StatusForbidden, "uzi.not-ia5string")
			},
		},
		{
			name:    "the card's signing certificate used to log in",
			defence: "auth.Door requires clientAuth (the page says which certificate to choose); uzi.Parse requires key usage exactly digitalSignature",
			try:     func(t *testing.T) { doorRefused(t, gp.Signing.TLS, "tls.key-usage") },
		},
		{
			name:    "the card's encryption certificate used to log in",
			defence: "auth.Door requires clientAuth",
			try:     func(t *testing.T) { doorRefused(t, gp.Encryption.TLS, "tls.key-usage") },
		},
		{
			name:    "authentication certificate with an extra key usage",
			defence: "uzi.Parse: key usage exactly digitalSignature (a certificate that also enciphers is not an authentication certificate)",
			try: func(t *testing.T) {
				refusedPage(t, issue(t, func(c *x509.Certificate) { c.KeyUsage |= x509.KeyUsageKeyEncipherment }), http.StatusForbidden, "uzi.key-usage")
			},
		},
		{
			name:    "UZI number in the SAN differing from the subject serialNumber",
			defence: "uzi.Parse: the UZI number of the UZI string equals the subject serialNumber",
			try: func(t *testing.T) {
				refusedPage(t, issue(t, func(c *x509.Certificate) { c.Subject.SerialNumber = "900199999" }), http.StatusForbidden, "uzi.serial-number-mismatch")
			},
		},
		{
			name:    "certificate without any subjectAltName",
			defence: "uzi.Parse: no SAN, no UZI identity",
			try: func(t *testing.T) {
				refusedPage(t, issue(t, func(c *x509.Certificate) {
					var keep []pkix.Extension
					for _, e := range c.ExtraExtensions {
						if !e.Id.Equal(oidSAN) {
							keep = append(keep, e)
						}
					}
					c.ExtraExtensions = keep
				}), http.StatusForbidden, "uzi.no-san")
			},
		},
		{
			name:    "certificate with the policy of another environment",
			defence: "uzi.Parse: the certificate policy must be one of the configured environment's",
			try: func(t *testing.T) {
				refusedPage(t, issue(t, func(c *x509.Certificate) {
					c.Policies = nil
					c.PolicyIdentifiers = []asn1.ObjectIdentifier{{2, 16, 528, 1, 1003, 1, 2, 5, 1}} // production's
				}), http.StatusForbidden, "uzi.policy")
			},
		},
		{
			name:    "markup in the certificate's names",
			defence: "names from certificates are escaped on every page (html/template), and the AGB check compares the surname",
			try: func(t *testing.T) {
				tc := issue(t, func(c *x509.Certificate) {
					c.Subject.CommonName = `<script>alert("cn")</script>`
					for i, a := range c.Subject.ExtraNames {
						if a.Type.Equal(oidSurnameAttr) {
							c.Subject.ExtraNames[i].Value = `"><img src=x onerror=alert(1)>`
						}
					}
				})
				refusedPage(t, tc, http.StatusForbidden, "agb.surname-mismatch")
			},
		},
		{
			name:    "two surnames in the certificate's subject",
			defence: "uzi.Parse refuses a subject that names its holder twice (the shown and the checked name could differ)",
			try: func(t *testing.T) {
				tc := issue(t, func(c *x509.Certificate) {
					c.Subject.ExtraNames = append(c.Subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oidSurnameAttr, Value: "Bakker"})
				})
				refusedPage(t, tc, http.StatusForbidden, "uzi.subject-ambiguous")
			},
		},
		{
			name:    "lookalike card from a CA outside the UZI bundle",
			defence: "auth.Door verifies against tls.client_ca_file only",
			try: func(t *testing.T) {
				tmpl, err := env.PKI.CardTemplate(devpki.CardGP, devpki.UsageAuthentication)
				if err != nil {
					t.Fatal(err)
				}
				tmpl.SerialNumber = big.NewInt(4242)
				der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key) // self-signed: same names, same key
				if err != nil {
					t.Fatal(err)
				}
				doorRefused(t, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, "tls.unknown-ca")
			},
		},
		{
			name:    "expired card",
			defence: "auth.Door checks validity; the page names the day the card expired",
			try: func(t *testing.T) {
				expired := env.Card(t, devpki.CardExpired).Authentication
				doorRefused(t, expired.TLS, "tls.expired")
				leaf, err := x509.ParseCertificate(expired.TLS.Certificate[0])
				if err != nil {
					t.Fatal(err)
				}
				day := leaf.NotAfter.In(access.Amsterdam).Format("2")
				if resp := get(t, env.ClientWith(t, &expired.TLS), "/"); !strings.Contains(resp.Body, "verlopen op "+day+" ") {
					t.Errorf("the page does not say on which day the card expired (%s)", leaf.NotAfter)
				}
			},
		},
		{
			name:    "revoked card",
			defence: "auth.Revocation: the card's CRL is checked on every request",
			try: func(t *testing.T) {
				refusedPage(t, env.Card(t, devpki.CardRevoked).Authentication.TLS, http.StatusForbidden, "revoked")
			},
		},
		{
			name:    "refused certificate of the UZI CA logged as the person it names",
			defence: "refuseCertificate: no user on the record, the identity under the detail's \"claimed\" key",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				cert := issue(t, func(c *x509.Certificate) { c.KeyUsage |= x509.KeyUsageKeyEncipherment })
				want(t, "the refusal", get(t, env.ClientWith(t, &cert), "/"), http.StatusForbidden)
				rec := findRecord(t, env, before, "the refusal", func(r store.AccessRecord) bool {
					return r.Event == "login_refused" && r.Reason == "uzi.key-usage"
				})
				if rec.UserUZI != "" || rec.UserName != "" {
					t.Fatalf("the refused certificate's claim is the record's user: UZI %q, name %q", rec.UserUZI, rec.UserName)
				}
				if !strings.Contains(rec.Detail, `"claimed":{"uzi":"`+gp.Spec.UZINumber+`"`) {
					t.Errorf("the claim is not marked as claimed: %s", rec.Detail)
				}
			},
		},
		{
			name:    "revoked card's attempt logged as its holder",
			defence: "refuseCertificate: a revoked (perhaps stolen) card only claims its holder",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				revoked := env.Card(t, devpki.CardRevoked)
				get(t, env.ClientWith(t, &revoked.Authentication.TLS), "/")
				rec := findRecord(t, env, before, "the refusal", func(r store.AccessRecord) bool {
					return r.Event == "login_refused" && r.Reason == "revoked"
				})
				if rec.UserUZI != "" {
					t.Fatalf("the revoked card's attempt is logged as UZI %s", rec.UserUZI)
				}
				if !strings.Contains(rec.Detail, `"claimed":{"uzi":"`+revoked.Spec.UZINumber+`"`) {
					t.Errorf("the claim is not marked as claimed: %s", rec.Detail)
				}
			},
		},
		{
			name:    "company doctor's card",
			defence: "auth.Policy: company, insurance and public-health doctors are never admitted",
			try: func(t *testing.T) {
				refusedPage(t, env.Card(t, devpki.CardCompanyDoctor).Authentication.TLS, http.StatusForbidden, "role-never-admitted")
			},
		},
		{
			name:    "employee card of someone who is not an administrator",
			defence: "auth.Policy: N cards only of hospital.administrators unless uzi.admit_employee_cards",
			try: func(t *testing.T) {
				refusedPage(t, env.Card(t, devpki.CardEmployee).Authentication.TLS, http.StatusForbidden, "card-type-refused")
			},
		},
	})
}

// TestRefusedLogins: a refused card (or many, from one address) knocking again and again. Each refusal
// is a durable access-log write, so they are limited per certificate and per address: beyond the limit
// the answer is 429, the first one beyond is logged as rate-limited, the rest only in the server log.
func TestRefusedLogins(t *testing.T) {
	t.Parallel()
	const perCard, perAddress = 3, 7
	env := portaltest.Start(t, portaltest.Options{Configure: func(c *config.Config) {
		c.Limits.RefusedLoginsPerMinute = perCard
		c.Limits.RefusedLoginsPerAddressPerMinute = perAddress
	}})
	// knock has the card refused n times and returns the statuses and the access-log records written.
	knock := func(t *testing.T, card string, n int) ([]int, []store.AccessRecord) {
		t.Helper()
		before := lastRecordID(t, env)
		var statuses []int
		for range n {
			resp := get(t, env.Client(t, card), "/")
			noLeak(t, card, resp)
			statuses = append(statuses, resp.Status)
		}
		return statuses, recordsAfter(t, env, before)
	}
	runAttacks(t, []attack{
		{
			name:    "refused card knocking again and again",
			defence: "limits.refused_logins_per_minute per certificate: 429 beyond it, one rate-limited record, no more log writes",
			try: func(t *testing.T) {
				statuses, recs := knock(t, devpki.CardCompanyDoctor, perCard+5)
				for i, s := range statuses {
					if wantStatus := map[bool]int{true: http.StatusForbidden, false: http.StatusTooManyRequests}[i < perCard]; s != wantStatus {
						t.Errorf("attempt %d: %d, want %d", i+1, s, wantStatus)
					}
				}
				if len(recs) != perCard+1 || recs[perCard].Reason != "rate-limited" {
					t.Errorf("%d access-log records for %d attempts (want %d refusals and one rate-limited)", len(recs), len(statuses), perCard)
				}
			},
		},
		{
			name:    "many refused cards from one address",
			defence: "limits.refused_logins_per_address_per_minute: the address is limited whatever card it shows",
			try: func(t *testing.T) {
				var all []int
				var written int
				for _, card := range []string{devpki.CardInsuranceDoctor, devpki.CardEmployee, devpki.CardRevoked} {
					statuses, recs := knock(t, card, 2)
					all = append(all, statuses...)
					written += len(recs)
				}
				// The company doctor's refusals of the case before count for the address as well.
				if all[len(all)-1] != http.StatusTooManyRequests {
					t.Errorf("statuses %v: the address was never limited", all)
				}
				if written > perAddress {
					t.Errorf("%d access-log records written by one address beyond its limit of %d", written, perAddress)
				}
			},
		},
		{
			name:    "a limited card tries to be admitted anyway",
			defence: "startSession checks the card's limit before admission runs again",
			try: func(t *testing.T) {
				resp := get(t, env.Client(t, devpki.CardCompanyDoctor), "/")
				want(t, "limited", resp, http.StatusTooManyRequests)
				if resp.Header.Get("Retry-After") == "" || !strings.Contains(resp.Body, "Te veel geweigerde aanmeldingen") {
					t.Errorf("the 429 page does not say what happened or when to retry")
				}
			},
		},
	})
}
