package uzi

import (
	"strconv"
	"strings"
)

// FieldCount is the number of dash-separated fields in a UZI string. Public readers checked "at least six"
// and then read the seventh, which crashes or misreads on exactly six; this package requires exactly seven.
const FieldCount = 7

// ParseSANString parses the value of the otherName 2.5.5.5,
// <OID CA>-<versie-nr>-<UZI-nr>-<pastype>-<abonnee-nr>-<rol>-<AGB-code>, and checks the syntax of every
// field and the fit between card type and role. It fills only those seven fields of the Identity; checks
// that need the certificate or the configuration (allowed CA, serialNumber, UPN, admission) are Parse's.
// It is exported separately because it is the part most exposed to hostile input and is fuzzed on its own.
//
// On error the returned Identity holds the fields that were read before the failing one, which the access
// log may record; it must never be used to admit anyone.
func ParseSANString(s string) (Identity, error) {
	var id Identity
	fields := strings.Split(s, "-")
	if len(fields) != FieldCount {
		return id, fail(ReasonFieldCount, "the UZI identity %s has %d dash-separated fields instead of %d.", quote(s), len(fields), FieldCount)
	}
	oidCA, version, uziNr, cardType, subscriber, role, agb := fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]

	if !isOID(oidCA) {
		return id, fail(ReasonOIDCA, "the OID CA field %s of the UZI identity is not a dotted object identifier.", quote(oidCA))
	}
	id.OIDCA = oidCA
	if version != "1" {
		return id, fail(ReasonVersion, "the UZI identity has version %s; only version \"1\" exists.", quote(version))
	}
	id.Version = version
	if !isDigits(uziNr, 9) {
		return id, fail(ReasonUZINumber, "the UZI number %s is not exactly 9 digits.", quote(uziNr))
	}
	id.UZINumber = uziNr
	if c := CardType(cardType); !c.Valid() {
		return id, fail(ReasonCardType, "the card type %s is not Z, N, M or S.", quote(cardType))
	}
	id.CardType = CardType(cardType)
	if !isDigits(subscriber, 8) {
		return id, fail(ReasonSubscriberNumber, "the subscriber number (URA) %s is not exactly 8 digits.", quote(subscriber))
	}
	id.SubscriberNumber = subscriber
	if !isRoleCode(role) {
		return id, fail(ReasonRole, "the role code %s is not of the form PP.SSS with digits, such as 01.015.", quote(role))
	}
	if !isDigits(agb, 8) {
		return id, fail(ReasonAGBCode, "the AGB code %s is not exactly 8 digits (00000000 when there is none).", quote(agb))
	}
	// The role is assigned only after it is known to fit the card type, so that a partial identity never
	// pairs a card type with a role the UZI-register would not issue with it.
	switch {
	case id.CardType == CardZorgverlener && strings.HasPrefix(role, "00."):
		return id, fail(ReasonRoleCardTypeMismatch, "a care provider card (Z) carries role %s, but its profession code is never 00.", role)
	case id.CardType != CardZorgverlener && role != NoRoleCode:
		return id, fail(ReasonRoleCardTypeMismatch, "a card of type %s carries role %s, but only care provider cards (Z) have a role; others carry %s.", id.CardType, role, NoRoleCode)
	}
	id.RoleCode = role
	id.AGBCode = agb
	return id, nil
}

// SANString reassembles the seven UZI fields into the otherName 2.5.5.5 value, which the development PKI needs
// to issue cards and tests need to round-trip; it does not validate.
func (id Identity) SANString() string {
	return strings.Join([]string{id.OIDCA, id.Version, id.UZINumber, string(id.CardType), id.SubscriberNumber, id.RoleCode, id.AGBCode}, "-")
}

// isDigits reports whether s is exactly n ASCII digits; unicode.IsDigit would also accept Arabic-Indic and
// full-width digits, which no UZI field contains.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isRoleCode reports whether s has the form PP.SSS with ASCII digits.
func isRoleCode(s string) bool {
	return len(s) == 6 && isDigits(s[:2], 2) && s[2] == '.' && isDigits(s[3:], 3)
}

// isOID reports whether s is a dotted object identifier as the UZI-register writes one: at least two arcs,
// each decimal without leading zeros, the first arc 0, 1 or 2.
func isOID(s string) bool {
	arcs := strings.Split(s, ".")
	if len(arcs) < 2 {
		return false
	}
	for i, a := range arcs {
		if a == "" || !isDigits(a, len(a)) || (len(a) > 1 && a[0] == '0') {
			return false
		}
		if i == 0 && a != "0" && a != "1" && a != "2" {
			return false
		}
	}
	return true
}

// maxQuoted bounds how much of an offending value an error message repeats: the value comes from the
// network and ends up in logs and on pages.
const maxQuoted = 100

// quote renders an untrusted value for an error message: Go-quoted, so control characters are escaped, and
// shortened when long.
func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}
