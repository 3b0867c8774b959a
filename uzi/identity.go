package uzi

// CardType is the pastype field of the UZI string. It decides who the holder is (a registered care
// provider, an employee, or a machine) and therefore whether the portal admits the card at all.
type CardType string

// The four card types of the UZI-register (CPS §7.1.5). Only Z cards belong to a BIG-registered or
// otherwise recognised care provider; the others belong to staff or servers acting for an organisation.
const (
	// CardZorgverlener is the zorgverlenerpas: a care provider in person, with a professional role.
	CardZorgverlener CardType = "Z"
	// CardMedewerkerOpNaam is the named employee card, admitted only for delegated staff.
	CardMedewerkerOpNaam CardType = "N"
	// CardMedewerkerNietOpNaam is the anonymous employee card; nobody can be held accountable for it, so
	// it is never admitted.
	CardMedewerkerNietOpNaam CardType = "M"
	// CardServer is a UZI server certificate; a machine is never a provider, so it is never admitted.
	CardServer CardType = "S"
)

// Valid reports whether c is one of the four card types the CPS defines.
func (c CardType) Valid() bool {
	switch c {
	case CardZorgverlener, CardMedewerkerOpNaam, CardMedewerkerNietOpNaam, CardServer:
		return true
	}
	return false
}

// Dutch returns the UZI-register's own name of the card type, for the Dutch pages and the access log.
func (c CardType) Dutch() string {
	switch c {
	case CardZorgverlener:
		return "Zorgverlenerpas"
	case CardMedewerkerOpNaam:
		return "Medewerkerpas op naam"
	case CardMedewerkerNietOpNaam:
		return "Medewerkerpas niet op naam"
	case CardServer:
		return "Servercertificaat"
	}
	return ""
}

// English returns an English name of the card type, for the English pages.
func (c CardType) English() string {
	switch c {
	case CardZorgverlener:
		return "Care provider card"
	case CardMedewerkerOpNaam:
		return "Named employee card"
	case CardMedewerkerNietOpNaam:
		return "Unnamed employee card"
	case CardServer:
		return "Server certificate"
	}
	return ""
}

// Identity is everything the portal learns about the holder from a UZI certificate. The seven fields of
// the UZI string come first, then the subject attributes that the pages show; Parse fills all of them and
// guarantees that they are consistent with each other.
type Identity struct {
	// OIDCA is the OID of the issuing UZI CA as written in the UZI string.
	OIDCA string
	// Version is the version of the UZI string layout; always "1".
	Version string
	// UZINumber is the holder's nine-digit UZI number, stable per person for Z and N cards; it is the
	// key under which the portal remembers a provider.
	UZINumber string
	// CardType is the pastype.
	CardType CardType
	// SubscriberNumber is the abonnee-nr: the eight-digit URA of the organisation the holder acts for,
	// which treatment relationships held by an organisation are matched against.
	SubscriberNumber string
	// RoleCode is the role as PP.SSS, for example "01.015"; "00.000" for N, M and S cards.
	RoleCode string
	// AGBCode is the eight-digit AGB code from the card, "00000000" when the card carries none.
	AGBCode string
	// CommonName is the subject CN: the holder's name for Z and N cards.
	CommonName string
	// GivenName is the subject givenName (2.5.4.42).
	GivenName string
	// Surname is the subject surname (2.5.4.4); the AGB check compares it with the register.
	Surname string
	// Title is the subject title (2.5.4.12), the formal form of address on Z cards, e.g. "Arts".
	Title string
	// Organisation is the subject O: the name of the organisation the holder acts for.
	Organisation string
	// UPN is the user principal name <UZI-nr>@<abonnee-nr> when the certificate has one (AUT
	// certificates do); empty otherwise.
	UPN string
	// PolicyOIDs lists the certificate policies of the certificate in dotted form.
	PolicyOIDs []string
}

// Role looks the role code up in the role table, so that pages can show "Huisarts" instead of "01.015".
// An unknown but well-formed code yields a Role with Known false and the code as its names.
func (id Identity) Role() Role {
	if r, ok := LookupRole(id.RoleCode); ok {
		return r
	}
	return Role{Code: id.RoleCode, Dutch: id.RoleCode, English: id.RoleCode}
}

// HasAGB reports whether the card carries a real AGB code; many cards carry "00000000", and then the
// portal must obtain the AGB code elsewhere before admitting the provider.
func (id Identity) HasAGB() bool {
	return id.AGBCode != "" && id.AGBCode != NoAGBCode
}

// NoAGBCode is the value the UZI-register writes when a card has no AGB code.
const NoAGBCode = "00000000"
