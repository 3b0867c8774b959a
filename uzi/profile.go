package uzi

import (
	"errors"
	"fmt"
	"sort"
)

// Well-known OIDs of the UZI-register, exported so that configuration, the development PKI and tests can
// refer to them by name instead of repeating dotted strings that are easy to mistype.
const (
	// OIDCAZorgverlener is the UZI-register Zorgverlener CA (Z cards), CPS v10.3 table 10.
	OIDCAZorgverlener = "2.16.528.1.1003.1.3.5.5.2"
	// OIDCAMedewerkerOpNaam is the UZI-register Medewerker op naam CA (N cards).
	OIDCAMedewerkerOpNaam = "2.16.528.1.1003.1.3.5.5.3"
	// OIDCAMedewerkerNietOpNaam is the UZI-register Medewerker niet op naam CA (M cards).
	OIDCAMedewerkerNietOpNaam = "2.16.528.1.1003.1.3.5.5.4"
	// OIDCAServer is the UZI-register Server CA (S certificates).
	OIDCAServer = "2.16.528.1.1003.1.3.5.5.5"
	// OIDCATestZorgverlener is the TEST UZI-register Zorgverlener CA G3, as found on a real TEST pass.
	OIDCATestZorgverlener = "2.16.528.1.1007.99.217"
	// PolicyAuthZN is the certificate policy of the authentication certificate of Z and N cards (CPS table 4).
	PolicyAuthZN = "2.16.528.1.1003.1.2.5.1"
	// PolicyAuthM is the certificate policy of the authentication certificate of M cards (CPS table 4).
	PolicyAuthM = "2.16.528.1.1003.1.2.5.4"
	// PolicyAuthTest is the certificate policy of the authentication certificate of a TEST pass.
	PolicyAuthTest = "2.16.528.1.1007.99.211"
	// OIDCADevZorgverlener is the portal's own development Zorgverlener CA (Z cards). It lies on a private
	// arc under the TEST branch that the real UZI-register does not use, so a development card can never
	// pass in production or TEST.
	OIDCADevZorgverlener = "2.16.528.1.1007.99.9002"
	// OIDCADevMedewerkerOpNaam is the portal's own development Medewerker op naam CA (N cards).
	OIDCADevMedewerkerOpNaam = "2.16.528.1.1007.99.9003"
)

// Profile is the part of the configuration that decides which UZI certificates count: which CAs, which
// policies and which card types. Production, TEST and the development PKI differ only here, so the same
// Parse serves all three and a TEST card can never pass in production.
type Profile struct {
	// OIDCAs is the allow-list of OID CAs, each mapped to the one card type that CA issues; a string
	// whose card type differs from its CA's is refused, because a CA never issues another CA's cards.
	OIDCAs map[string]CardType
	// AuthPolicies lists the certificate policy OIDs of authentication certificates; the signing and
	// encryption certificates of a card have other policies.
	AuthPolicies []string
	// AdmitEmployeeCards admits N cards (named employees), which the hospital enables only when it has
	// configured delegated staff acting on behalf of a care provider.
	AdmitEmployeeCards bool
}

// ProductionProfile returns the profile of the real UZI-register: the four G3/G1 CAs of CPS table 10 and
// the authentication policies of CPS table 4 for Z/N cards and for M cards. The M policy is listed so that
// an M card is refused for being an M card (a message the holder understands) rather than for its policy.
// A new value is returned on every call, so callers may change it.
func ProductionProfile() Profile {
	return Profile{
		OIDCAs: map[string]CardType{
			OIDCAZorgverlener:         CardZorgverlener,
			OIDCAMedewerkerOpNaam:     CardMedewerkerOpNaam,
			OIDCAMedewerkerNietOpNaam: CardMedewerkerNietOpNaam,
			OIDCAServer:               CardServer,
		},
		AuthPolicies: []string{PolicyAuthZN, PolicyAuthM},
	}
}

// TestProfile returns the profile of the UZI-register's TEST (acceptance) environment, as seen on a real
// TEST pass: OID CA 2.16.528.1.1007.99.217 issuing Z cards, and authentication policy
// 2.16.528.1.1007.99.211. The OID CAs of the other TEST CAs are not documented; add them to OIDCAs when a
// TEST card of that kind shows them. A new value is returned on every call.
func TestProfile() Profile {
	return Profile{
		OIDCAs:       map[string]CardType{OIDCATestZorgverlener: CardZorgverlener},
		AuthPolicies: []string{PolicyAuthTest},
	}
}

// DevelopmentProfile returns the profile of the portal's development UZI-register (the demo's PKI): its
// own Zorgverlener and Medewerker op naam CAs, and the TEST authentication policy, which its cards carry
// like real TEST passes. A new value is returned on every call.
func DevelopmentProfile() Profile {
	return Profile{
		OIDCAs: map[string]CardType{
			OIDCADevZorgverlener:     CardZorgverlener,
			OIDCADevMedewerkerOpNaam: CardMedewerkerOpNaam,
		},
		AuthPolicies: []string{PolicyAuthTest},
	}
}

// Admits reports whether the profile lets a card of this type log in: Z always, N only with
// AdmitEmployeeCards, M and S never, whatever the configuration says.
func (p Profile) Admits(c CardType) bool {
	switch c {
	case CardZorgverlener:
		return true
	case CardMedewerkerOpNaam:
		return p.AdmitEmployeeCards
	}
	return false
}

// Validate reports configuration mistakes that would make the profile refuse everybody or accept
// nonsense: an empty allow-list, an OID that is not an OID, a card type that does not exist. The portal
// calls it at start-up so that a typo fails loudly instead of locking providers out at login.
func (p Profile) Validate() error {
	var errs []error
	if len(p.OIDCAs) == 0 {
		errs = append(errs, errors.New("uzi profile: the OID CA allow-list is empty, so no card would be accepted"))
	}
	oids := make([]string, 0, len(p.OIDCAs))
	for oid := range p.OIDCAs {
		oids = append(oids, oid)
	}
	sort.Strings(oids)
	for _, oid := range oids {
		if !isOID(oid) {
			errs = append(errs, fmt.Errorf("uzi profile: OID CA %q is not a dotted object identifier", oid))
		}
		if c := p.OIDCAs[oid]; !c.Valid() {
			errs = append(errs, fmt.Errorf("uzi profile: OID CA %s maps to card type %q, which is not Z, N, M or S", oid, c))
		}
	}
	if len(p.AuthPolicies) == 0 {
		errs = append(errs, errors.New("uzi profile: no authentication policy is configured, so no certificate would be accepted"))
	}
	for _, pol := range p.AuthPolicies {
		if !isOID(pol) {
			errs = append(errs, fmt.Errorf("uzi profile: policy %q is not a dotted object identifier", pol))
		}
	}
	return errors.Join(errs...)
}
