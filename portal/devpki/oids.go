package devpki

import "zorgverlenersportaal/uzi"

// Object identifiers of the development profile. The OID CA values are written into the otherName 2.5.5.5
// string of every card, and the policy OIDs into its certificatePolicies, so the portal's configuration for
// the development environment must list exactly these values.
const (
	// OIDCAZorgverlener is the OID CA of the DEV UZI-register Zorgverlener CA (Z cards). It lies in the
	// TEST arc 2.16.528.1.1007.99 that the real TEST CAs use (…99.217), but in a range the UZI-register does
	// not hand out, so a development card is never accepted by a portal configured for production or TEST.
	OIDCAZorgverlener = uzi.OIDCADevZorgverlener
	// OIDCAMedewerkerOpNaam is the OID CA of the DEV UZI-register Medewerker op naam CA (N cards); it is a
	// separate value because the portal checks that the OID CA fits the card type.
	OIDCAMedewerkerOpNaam = uzi.OIDCADevMedewerkerOpNaam

	// PolicyAuthentication is the certificate policy of the authentication (authenticiteit) certificate.
	// It is the TEST policy of the real profile, so the portal's TEST policy set also admits dev cards.
	PolicyAuthentication = uzi.PolicyAuthTest
	// PolicySigning is the certificate policy of the signing (handtekening) certificate; the portal must
	// refuse it for login, which is why the dev cards carry it.
	PolicySigning = "2.16.528.1.1007.99.212"
	// PolicyEncryption is the certificate policy of the encryption (vertrouwelijkheid) certificate; the
	// portal must refuse it for login as well.
	PolicyEncryption = "2.16.528.1.1007.99.213"

	// OIDOtherNameUZI is the otherName type-id under which the UZI-register stores the 7-field UZI string;
	// it is the X.500 syntax OID for IA5String, reused by CIBG as a type-id.
	OIDOtherNameUZI = "2.5.5.5"
	// OIDOtherNameUPN is the Microsoft userPrincipalName otherName that only the authentication certificate
	// carries, as <UZI-nr>@<URA>.
	OIDOtherNameUPN = "1.3.6.1.4.1.311.20.2.3"

	// oidDocumentSigning is Microsoft's document signing EKU, present on authentication and signing
	// certificates of a real card.
	oidDocumentSigning = "1.3.6.1.4.1.311.10.3.12"
	// oidEncryptingFileSystem is Microsoft's EFS EKU, present on the encryption certificate.
	oidEncryptingFileSystem = "1.3.6.1.4.1.311.10.3.4"
	// oidAnyPolicy lets a verifier that asks for a specific card policy (x509.VerifyOptions
	// CertificatePolicies) pass through the CA certificates.
	oidAnyPolicy = "2.5.29.32.0"
)
