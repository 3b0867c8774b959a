package auth

import (
	"fmt"
	"net/http"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/uzi"
)

// Provider is the caller as the portal knows them: the UZI identity of the card in the reader, the
// fingerprint of its authentication certificate, and the AGB code that admission accepted.
type Provider struct {
	uzi.Identity
	// Fingerprint is the SHA-256 of the authentication certificate; the session is bound to it.
	Fingerprint string
	// AGB is the AGB code admission accepted for this provider: from the card, or the stored link.
	AGB string
	// Administrator is set for hospital staff named in hospital.administrators, on an N card issued for
	// hospital.ura (Policy.IsAdministrator).
	Administrator bool
	// Delegation is set while a named employee's card acts on a provider's mandate (machtiging): whose
	// patients and role count for the access rules, and who is logged as "on behalf of".
	Delegation *Delegation
}

// Delegation is the provider on whose behalf an employee card acts, under one mandate.
type Delegation struct {
	MandateID   int64
	GrantorUZI  string
	GrantorName string
	GrantorAGB  string
	GrantorRole string
}

// EffectiveRole is the role the access rules apply: the provider's own, or, for an employee acting on a
// mandate, the role of the provider they act for.
func (p Provider) EffectiveRole() string {
	if p.Delegation != nil {
		return p.Delegation.GrantorRole
	}
	return p.RoleCode
}

// DisplayName is the name the screens show: the card's common name ("Anna de Vries").
func (p Provider) DisplayName() string {
	if p.CommonName != "" {
		return p.CommonName
	}
	return p.GivenName + " " + p.Surname
}

// Refusal says why a caller is not admitted. Reason is a stable key: it selects the Dutch and English
// explanation on the refusal page and is written to the access log.
type Refusal struct {
	Reason string
	Detail string
	Err    error
}

// Error gives the reason and the detail for the server log.
func (r *Refusal) Error() string {
	if r.Detail == "" {
		return "refused: " + r.Reason
	}
	return "refused: " + r.Reason + ": " + r.Detail
}

// Unwrap exposes the cause (a uzi.Error, say) to errors.Is and errors.As.
func (r *Refusal) Unwrap() error { return r.Err }

// Profile turns the uzi.* configuration into the rules the uzi package checks certificates against.
func Profile(c config.UZIConfig) uzi.Profile {
	var p uzi.Profile
	switch c.Environment {
	case "production":
		p = uzi.ProductionProfile()
	case "test":
		p = uzi.TestProfile()
	default:
		p = uzi.DevelopmentProfile()
	}
	if len(c.OIDCAs) > 0 {
		p.OIDCAs = map[string]uzi.CardType{}
		for oid, t := range c.OIDCAs {
			p.OIDCAs[oid] = uzi.CardType(t)
		}
	}
	if len(c.AuthPolicies) > 0 {
		p.AuthPolicies = append([]string(nil), c.AuthPolicies...)
	}
	p.AdmitEmployeeCards = c.AdmitEmployeeCards
	return p
}

// Identify reads the verified client certificate of the request and parses it as a UZI authentication
// certificate under the profile. Anything that is not one is a Refusal whose reason names the rule.
func Identify(r *http.Request, profile uzi.Profile) (Provider, error) {
	leaf, _, err := ClientCertificate(r)
	if err != nil {
		return Provider{}, &Refusal{Reason: "no-certificate", Err: err}
	}
	id, err := uzi.Parse(leaf, profile)
	p := Provider{Identity: id, Fingerprint: Fingerprint(leaf)}
	if err != nil {
		// p holds what could be read, so that the access log can say whose card was refused.
		return p, &Refusal{Reason: "uzi." + string(uzi.ReasonOf(err)), Detail: err.Error(), Err: err}
	}
	return p, nil
}

// String is used in server logs: never more than the UZI number and role.
func (p Provider) String() string {
	return fmt.Sprintf("UZI %s (%s, URA %s)", p.UZINumber, p.RoleCode, p.SubscriberNumber)
}
