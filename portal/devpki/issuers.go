package devpki

import "fmt"

// Names of the development CAs. They mirror the real G3 hierarchy with "DEV" in front, so that a
// certificate shown in a browser or in openssl output is recognisable at a glance as a development one.
const (
	// CAOrganisation is O= of every development UZI CA, the counterpart of O=CIBG.
	CAOrganisation = "DEV CIBG"
	// RootCAName is the CN of the development root, the counterpart of "TEST Zorg CSP Root CA G3".
	RootCAName = "DEV Zorg CSP Root CA G3"
	// Level2CAName is the CN of the domain CA between the root and the issuing CAs.
	Level2CAName = "DEV Zorg CSP Level 2 Persoon CA G3"
	// ZorgverlenerCAName is the CN of the CA that issues Z cards.
	ZorgverlenerCAName = "DEV UZI-register Zorgverlener CA G3"
	// MedewerkerOpNaamCAName is the CN of the CA that issues N cards.
	MedewerkerOpNaamCAName = "DEV UZI-register Medewerker op naam CA G3"
	// ServerCAName is the CN of the separate CA of the portal's TLS server certificate; it is not part of
	// the UZI hierarchy, so trusting it for client certificates would be a configuration error.
	ServerCAName = "DEV Zorgverlenersportaal Server CA"
	// ServerOrganisation is O= of the server CA and the server certificate.
	ServerOrganisation = "DEV Zorgverlenersportaal"
)

// IssuerName names one of the two issuing CAs. It is also the base name of the CA's files, its authority
// database and its CRL, so one value ties all of them together.
type IssuerName string

const (
	// ZorgverlenerCA issues Z cards (zorgverlenerpassen).
	ZorgverlenerCA IssuerName = "zorgverlener-ca"
	// MedewerkerOpNaamCA issues N cards (medewerkerpassen op naam).
	MedewerkerOpNaamCA IssuerName = "medewerker-op-naam-ca"
)

// Issuers lists the issuing CAs, for code that has to visit each one (CRL handlers, bundles).
var Issuers = []IssuerName{ZorgverlenerCA, MedewerkerOpNaamCA}

// CommonName is the subject CN of the issuing CA, as it appears as issuer in the cards.
func (n IssuerName) CommonName() string {
	switch n {
	case ZorgverlenerCA:
		return ZorgverlenerCAName
	case MedewerkerOpNaamCA:
		return MedewerkerOpNaamCAName
	}
	return ""
}

// OIDCA is the OID CA value that the issuing CA writes into the UZI strings of its cards.
func (n IssuerName) OIDCA() string {
	switch n {
	case ZorgverlenerCA:
		return OIDCAZorgverlener
	case MedewerkerOpNaamCA:
		return OIDCAMedewerkerOpNaam
	}
	return ""
}

// CRLFileName is the last path element of the CA's CRL, both on disk and in the distribution point URL.
func (n IssuerName) CRLFileName() string {
	return string(n) + ".crl"
}

// check returns ErrUnknownIssuer for a name that is not an issuing CA.
func (n IssuerName) check() error {
	if n.CommonName() == "" {
		return fmt.Errorf("%w: %q", ErrUnknownIssuer, string(n))
	}
	return nil
}
