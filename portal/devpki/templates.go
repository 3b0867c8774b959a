package devpki

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"time"

	"go.step.sm/crypto/x509util"
)

// caTemplate is the x509util template of every CA certificate. The hierarchy differs only in names, path
// length and validity, which come from the template data.
const caTemplate = `{{- $u := .Insecure.User -}}
{
	"subject": {
		"country": "NL",
		"organization": {{ toJson $u.organisation }},
		"commonName": {{ toJson $u.commonName }}
	},
	"keyUsage": ["certSign", "crlSign"],
	"basicConstraints": {"isCA": true, "maxPathLen": {{ $u.maxPathLen }}},
	{{- if $u.anyPolicy }}
	"policyIdentifiers": ["2.5.29.32.0"],
	{{- end }}
	"notBefore": {{ toJson $u.notBefore }},
	"notAfter": {{ toJson $u.notAfter }}
}`

// cardTemplate is the x509util template of the three certificates of a UZI card, following CPS v10.3
// §7.1 and a real TEST pass: the same subject and 2.5.5.5 otherName on all three, the UPN only on the
// authentication certificate, and key usages, extended key usages and policy per usage.
const cardTemplate = `{{- $u := .Insecure.User -}}
{
	"subject": {
		"country": "NL",
		"organization": {{ toJson $u.organisation }},
		"commonName": {{ toJson $u.commonName }},
		"serialNumber": {{ toJson $u.uziNumber }},
		"extraNames": [
			{{- if $u.title }}
			{"type": "2.5.4.12", "value": {{ toJson $u.title }}},
			{{- end }}
			{"type": "2.5.4.4", "value": {{ toJson $u.surname }}},
			{"type": "2.5.4.42", "value": {{ toJson $u.givenName }}}
		]
	},
	"sans": [
		{{- if eq $u.usage "authentication" }}
		{"type": "userPrincipalName", "value": {{ toJson $u.upn }}},
		{{- end }}
		{"type": "2.5.5.5", "value": {{ toJson (print "ia5:" $u.uziString) }}}
	],
	{{- if eq $u.usage "authentication" }}
	"keyUsage": ["digitalSignature"],
	"extKeyUsage": ["clientAuth", "emailProtection"],
	"unknownExtKeyUsage": ["1.3.6.1.4.1.311.10.3.12"],
	{{- else if eq $u.usage "signing" }}
	"keyUsage": ["contentCommitment"],
	"extKeyUsage": ["emailProtection"],
	"unknownExtKeyUsage": ["1.3.6.1.4.1.311.10.3.12"],
	{{- else if eq $u.usage "encryption" }}
	"keyUsage": ["keyEncipherment", "dataEncipherment"],
	"extKeyUsage": ["emailProtection"],
	"unknownExtKeyUsage": ["1.3.6.1.4.1.311.10.3.4"],
	{{- else }}
	{{- fail (print "unknown card certificate usage " $u.usage) }}
	{{- end }}
	"policyIdentifiers": [{{ toJson $u.policy }}],
	"basicConstraints": {"isCA": false},
	"crlDistributionPoints": [{{ toJson $u.crlURL }}],
	"ocspServer": [{{ toJson $u.ocspURL }}],
	"notBefore": {{ toJson $u.notBefore }},
	"notAfter": {{ toJson $u.notAfter }}
}`

// serverTemplate is the x509util template of the portal's TLS server certificate: the names a developer
// types in the browser, serverAuth only.
const serverTemplate = `{{- $u := .Insecure.User -}}
{
	"subject": {
		"country": "NL",
		"organization": {{ toJson $u.organisation }},
		"commonName": "localhost"
	},
	"dnsNames": ["localhost"],
	"ipAddresses": ["127.0.0.1", "::1"],
	"keyUsage": ["digitalSignature"],
	"extKeyUsage": ["serverAuth"],
	"basicConstraints": {"isCA": false},
	"notBefore": {{ toJson $u.notBefore }},
	"notAfter": {{ toJson $u.notAfter }}
}`

// caSpec is the template data of one CA certificate.
type caSpec struct {
	commonName   string
	organisation string
	maxPathLen   int
	anyPolicy    bool
	notBefore    time.Time
	notAfter     time.Time
}

func (s caSpec) data() x509util.TemplateData {
	d := x509util.NewTemplateData()
	d.SetUserData(map[string]any{
		"commonName":   s.commonName,
		"organisation": s.organisation,
		"maxPathLen":   s.maxPathLen,
		"anyPolicy":    s.anyPolicy,
		"notBefore":    s.notBefore.UTC(),
		"notAfter":     s.notAfter.UTC(),
	})
	return d
}

// cardTemplateData is the template data of one certificate of a card.
func cardTemplateData(spec CardSpec, u Usage, crlURL, ocspURL string, notBefore, notAfter time.Time) x509util.TemplateData {
	d := x509util.NewTemplateData()
	d.SetUserData(map[string]any{
		"usage":        string(u),
		"organisation": spec.Organisation,
		"commonName":   spec.CommonName(),
		"uziNumber":    spec.UZINumber,
		"title":        spec.Title,
		"surname":      spec.Surname,
		"givenName":    spec.GivenName,
		"upn":          spec.UPN(),
		"uziString":    spec.UZIString(),
		"policy":       u.Policy(),
		"crlURL":       crlURL,
		"ocspURL":      ocspURL,
		"notBefore":    notBefore.UTC(),
		"notAfter":     notAfter.UTC(),
	})
	return d
}

// serverTemplateData is the template data of the TLS server certificate.
func serverTemplateData(notBefore, notAfter time.Time) x509util.TemplateData {
	d := x509util.NewTemplateData()
	d.SetUserData(map[string]any{
		"organisation": ServerOrganisation,
		"notBefore":    notBefore.UTC(),
		"notAfter":     notAfter.UTC(),
	})
	return d
}

// renderTemplate turns an x509util template into an unsigned certificate for pub, the first half of the
// recipe that every certificate not signed by the authority follows.
func renderTemplate(text string, data x509util.TemplateData, pub crypto.PublicKey) (*x509.Certificate, error) {
	c, err := x509util.NewCertificateFromX509(&x509.Certificate{PublicKey: pub}, x509util.WithTemplate(text, data))
	if err != nil {
		return nil, fmt.Errorf("render certificate template: %w", err)
	}
	return c.GetCertificate(), nil
}

// signTemplate renders a template and signs it with the parent's key; for a self-signed root parent is nil.
func signTemplate(text string, data x509util.TemplateData, pub crypto.PublicKey, parent *x509.Certificate, signer crypto.Signer) (*x509.Certificate, error) {
	tmpl, err := renderTemplate(text, data, pub)
	if err != nil {
		return nil, err
	}
	if parent == nil {
		parent = tmpl
	}
	cert, err := x509util.CreateCertificate(tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("sign certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return cert, nil
}
