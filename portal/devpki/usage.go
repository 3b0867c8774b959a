package devpki

import "fmt"

// Usage names one of the three certificates on a UZI card. Only the authentication certificate may open a
// session; the other two exist in the development PKI so that tests can show that the portal refuses them.
type Usage string

const (
	// UsageAuthentication is the authenticiteit certificate: digitalSignature, clientAuth, UPN.
	UsageAuthentication Usage = "authentication"
	// UsageSigning is the handtekening (non-repudiation) certificate.
	UsageSigning Usage = "signing"
	// UsageEncryption is the vertrouwelijkheid (key and data encipherment) certificate.
	UsageEncryption Usage = "encryption"
)

// Usages lists the three certificates of a card in the order the UZI-register describes them.
var Usages = []Usage{UsageAuthentication, UsageSigning, UsageEncryption}

// Policy is the certificate policy OID that the certificate of this usage carries.
func (u Usage) Policy() string {
	switch u {
	case UsageAuthentication:
		return PolicyAuthentication
	case UsageSigning:
		return PolicySigning
	case UsageEncryption:
		return PolicyEncryption
	}
	return ""
}

// fileSuffix is what follows the card name in the certificate and key file names.
func (u Usage) fileSuffix() string {
	if u == UsageAuthentication {
		return ""
	}
	return "-" + string(u)
}

// check rejects a Usage that is not one of the three.
func (u Usage) check() error {
	if u.Policy() == "" {
		return fmt.Errorf("%w: unknown certificate usage %q", ErrInvalidOptions, string(u))
	}
	return nil
}
