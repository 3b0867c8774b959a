package uzi

import (
	"encoding/asn1"
	"strconv"
	"unicode/utf8"
)

// Object identifiers this package reads, in dotted form for configuration and messages.
const (
	// OIDSubjectAltName is the subjectAltName extension (RFC 5280), read raw because crypto/x509 skips
	// otherName entries.
	OIDSubjectAltName = "2.5.29.17"
	// OIDUZIName is the otherName type-id of the UZI identity string. It is really the X.500 attribute
	// syntax OID for IA5String, which the UZI-register reuses as a type-id.
	OIDUZIName = "2.5.5.5"
	// OIDUPN is Microsoft's user principal name otherName, which the authentication certificate of a card
	// carries as <UZI-nr>@<abonnee-nr>.
	OIDUPN = "1.3.6.1.4.1.311.20.2.3"
)

var (
	oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidUZIName        = asn1.ObjectIdentifier{2, 5, 5, 5}
	oidUPN            = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3}
)

// ASN.1 universal tags this file checks that encoding/asn1 has no constant for.
const (
	tagUTF8String = 12
	tagIA5String  = 22
	// maxGeneralNameTag is registeredID [8], the highest GeneralName alternative of RFC 5280.
	maxGeneralNameTag = 8
)

// SANNames holds the two otherNames of a UZI certificate's subjectAltName that matter for login.
type SANNames struct {
	// UZIName is the IA5String value of the single otherName 2.5.5.5.
	UZIName string
	// UPN is the UTF8String value of the user principal name otherName, when HasUPN is true.
	UPN string
	// HasUPN records whether a UPN otherName was present; only authentication certificates carry one, so
	// its absence is not an error, but its presence with a wrong value is.
	HasUPN bool
}

// ParseSANExtension parses the DER value of a subjectAltName extension (the OCTET STRING contents, as in
// pkix.Extension.Value) and returns the UZI identity string and the UPN. It is strict where the CPS is
// precise: GeneralNames must be valid DER with nothing trailing, every otherName must be
// { type-id, [0] EXPLICIT value }, there must be exactly one 2.5.5.5 and it must be an IA5String, and
// there may be at most one UPN, a UTF8String. Other GeneralName alternatives are checked for shape only.
// It returns an *Error on any violation and never panics, whatever the bytes.
func ParseSANExtension(der []byte) (SANNames, error) {
	var names SANNames
	var seq asn1.RawValue
	rest, err := asn1.Unmarshal(der, &seq)
	if err != nil {
		return names, fail(ReasonMalformed, "the subjectAltName extension is not valid DER: %v.", err)
	}
	if len(rest) != 0 {
		return names, fail(ReasonMalformed, "the subjectAltName extension has %d bytes after its GeneralNames.", len(rest))
	}
	if seq.Class != asn1.ClassUniversal || seq.Tag != asn1.TagSequence || !seq.IsCompound {
		return names, fail(ReasonMalformed, "the subjectAltName extension is not a SEQUENCE of GeneralNames.")
	}
	if len(seq.Bytes) == 0 {
		return names, fail(ReasonMalformed, "the subjectAltName extension has no names, although RFC 5280 requires at least one.")
	}

	var uziValues, upnValues []asn1.RawValue
	for b := seq.Bytes; len(b) > 0; {
		var gn asn1.RawValue
		b, err = asn1.Unmarshal(b, &gn)
		if err != nil {
			return names, fail(ReasonMalformed, "a name in the subjectAltName extension is not valid DER: %v.", err)
		}
		if gn.Class != asn1.ClassContextSpecific || gn.Tag > maxGeneralNameTag {
			return names, fail(ReasonMalformed, "the subjectAltName extension contains an element (class %d, tag %d) that is not a GeneralName.", gn.Class, gn.Tag)
		}
		if gn.Tag != 0 {
			continue // dNSName, rfc822Name and the like carry no UZI identity
		}
		typeID, value, err := parseOtherName(gn)
		if err != nil {
			return names, err
		}
		switch {
		case typeID.Equal(oidUZIName):
			uziValues = append(uziValues, value)
		case typeID.Equal(oidUPN):
			upnValues = append(upnValues, value)
		}
	}

	switch len(uziValues) {
	case 0:
		return names, fail(ReasonNoUZIName, "the subjectAltName has no otherName %s, so the certificate carries no UZI identity.", OIDUZIName)
	case 1:
	default:
		return names, fail(ReasonMultipleUZINames, "the subjectAltName has %d otherNames %s; a UZI certificate has exactly one.", len(uziValues), OIDUZIName)
	}
	v := uziValues[0]
	if v.Class != asn1.ClassUniversal || v.Tag != tagIA5String || v.IsCompound {
		return names, fail(ReasonNotIA5String, "the UZI identity (otherName %s) is encoded as %s instead of an IA5String.", OIDUZIName, describeTag(v))
	}
	if !isASCII(v.Bytes) {
		return names, fail(ReasonNotIA5String, "the UZI identity (otherName %s) contains bytes outside IA5 (ASCII).", OIDUZIName)
	}
	names.UZIName = string(v.Bytes)

	switch len(upnValues) {
	case 0:
		return names, nil
	case 1:
	default:
		return names, fail(ReasonMultipleUPNs, "the subjectAltName has %d user principal names; a UZI certificate has at most one.", len(upnValues))
	}
	u := upnValues[0]
	if u.Class != asn1.ClassUniversal || u.Tag != tagUTF8String || u.IsCompound {
		return names, fail(ReasonUPNEncoding, "the user principal name is encoded as %s instead of a UTF8String.", describeTag(u))
	}
	if !utf8.Valid(u.Bytes) {
		return names, fail(ReasonUPNEncoding, "the user principal name is not valid UTF-8.")
	}
	names.UPN, names.HasUPN = string(u.Bytes), true
	return names, nil
}

// parseOtherName takes a GeneralName [0] (the IMPLICIT tag of OtherName) apart into its type-id and the
// element inside the EXPLICIT [0] wrapper. The shape is checked for every otherName, known or not, because
// a certificate with one broken name is not one the UZI-register issued.
func parseOtherName(gn asn1.RawValue) (asn1.ObjectIdentifier, asn1.RawValue, error) {
	var typeID asn1.ObjectIdentifier
	var wrapper, value asn1.RawValue
	if !gn.IsCompound {
		return nil, value, fail(ReasonMalformed, "an otherName in the subjectAltName is not constructed.")
	}
	rest, err := asn1.Unmarshal(gn.Bytes, &typeID)
	if err != nil {
		return nil, value, fail(ReasonMalformed, "an otherName in the subjectAltName has no valid type-id: %v.", err)
	}
	rest, err = asn1.Unmarshal(rest, &wrapper)
	if err != nil {
		return nil, value, fail(ReasonMalformed, "the value of otherName %s is not valid DER: %v.", typeID, err)
	}
	if len(rest) != 0 {
		return nil, value, fail(ReasonMalformed, "otherName %s has %d bytes after its value.", typeID, len(rest))
	}
	if wrapper.Class != asn1.ClassContextSpecific || wrapper.Tag != 0 || !wrapper.IsCompound {
		return nil, value, fail(ReasonMalformed, "the value of otherName %s is not wrapped in an explicit [0] tag.", typeID)
	}
	rest, err = asn1.Unmarshal(wrapper.Bytes, &value)
	if err != nil {
		return nil, value, fail(ReasonMalformed, "the value of otherName %s is not valid DER: %v.", typeID, err)
	}
	if len(rest) != 0 {
		return nil, value, fail(ReasonMalformed, "the explicit [0] of otherName %s holds more than one element.", typeID)
	}
	return typeID, value, nil
}

// describeTag names the ASN.1 type of a value for an error message, so that the log says "UTF8String"
// rather than "tag 12".
func describeTag(v asn1.RawValue) string {
	if v.Class == asn1.ClassUniversal && !v.IsCompound {
		switch v.Tag {
		case tagUTF8String:
			return "a UTF8String"
		case asn1.TagPrintableString:
			return "a PrintableString"
		case tagIA5String:
			return "an IA5String"
		case asn1.TagT61String:
			return "a TeletexString"
		case asn1.TagBMPString:
			return "a BMPString"
		case asn1.TagOctetString:
			return "an OCTET STRING"
		}
	}
	if v.IsCompound {
		return "a constructed value (class " + strconv.Itoa(v.Class) + ", tag " + strconv.Itoa(v.Tag) + ")"
	}
	return "a value of class " + strconv.Itoa(v.Class) + ", tag " + strconv.Itoa(v.Tag)
}

// isASCII reports whether every byte is in the IA5 (7-bit) range.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
