package devpki

import (
	"fmt"
	"strings"
)

// The hospital that runs the portal. Its URA appears on the admin card, and other packages seed the demo
// organisation with it, so it is defined once here next to the cards that refer to it.
const (
	// HospitalURA is the URA (UZI-register abonneenummer) of the hospital running the portal.
	HospitalURA = "90000001"
	// HospitalName is the name of the hospital running the portal, as it appears in O= of its staff cards.
	HospitalName = "Ziekenhuis Rivierenland"
)

// CardType is the pastype field of the UZI string; the portal admits Z and, when delegated staff is
// configured, N, so the development PKI issues exactly those two.
type CardType string

const (
	// CardTypeZorgverlener is a zorgverlenerpas: a BIG-registered care provider with a role code.
	CardTypeZorgverlener CardType = "Z"
	// CardTypeMedewerkerOpNaam is a medewerkerpas op naam: a named employee without a role (00.000).
	CardTypeMedewerkerOpNaam CardType = "N"
)

// Names of the test cards, so that tests and seed data refer to a card by a constant instead of a string
// that silently stops matching when the table changes.
const (
	CardGP                   = "gp"                     // A GP whose card carries an AGB code.
	CardGPNoAGB              = "gp-no-agb"              // A GP whose card carries AGB 00000000, who must type the code.
	CardGPOther              = "gp-other"               // A GP of another practice, for the treatment-relationship checks.
	CardPharmacist           = "pharmacist"             // A community pharmacist, who sees only part of the dossier.
	CardElderlyCarePhysician = "elderly-care-physician" // A specialist ouderengeneeskunde.
	CardNurse                = "nurse"                  // A home-care nurse.
	CardCompanyDoctor        = "company-doctor"         // A company doctor, always refused.
	CardEmployee             = "employee"               // A named employee (N card) of a GP practice.
	CardRevoked              = "revoked"                // A GP whose card is on the CRL.
	CardExpired              = "expired"                // A GP whose card's validity has ended.
	CardAdmin                = "admin"                  // A named employee of the hospital, the administrator.
	CardSpecialist           = "specialist"             // A medical specialist in another hospital.
	CardInsuranceDoctor      = "insurance-doctor"       // An insurance doctor, always refused.
)

// CardSpec describes one test card: the holder, the organisation the holder acts for and the fields of the
// UZI string. The demo AGB register, the patients' treatment relationships and the tests are all built on
// these values, so they are data rather than code and must not change casually.
type CardSpec struct {
	// Name is the file name of the card in DIR/cards and the name used by Card and Revoke.
	Name string
	// Type is the card type, which also decides the issuing CA.
	Type CardType
	// GivenName is the first part of the CN and the givenName attribute.
	GivenName string
	// Surname, with any prefix such as "de", ends the CN and is the surname attribute; the AGB check
	// compares it with the AGB register.
	Surname string
	// Title is the formal title (2.5.4.12), present on Z cards only.
	Title string
	// UZINumber is the 9-digit UZI number, in subject serialNumber and the UZI string.
	UZINumber string
	// URA is the abonneenummer of the organisation the holder acts for.
	URA string
	// Organisation is the name of that organisation, in subject O.
	Organisation string
	// Role is the UZI role code PP.SSS; 00.000 on N cards.
	Role string
	// AGB is the AGB code written on the card, 00000000 when none was given.
	AGB string
	// Revoked cards are revoked right after they are issued, so the CRL path has a real entry to find.
	Revoked bool
	// Expired cards are issued with a validity that already ended.
	Expired bool
	// Note says what the card is for in the demo and the tests.
	Note string
}

// Cards is the table of test cards. Other packages seed the AGB register, organisations and patients from
// the same values, so a change here is a change of the demo data set.
var Cards = []CardSpec{
	{Name: CardGP, Type: CardTypeZorgverlener, GivenName: "Anna", Surname: "de Vries", Title: "Huisarts", UZINumber: "900100001", URA: "90000101", Organisation: "Huisartsenpraktijk De Linde", Role: "01.015", AGB: "01012345", Note: "GP with an AGB code on the card"},
	{Name: CardGPNoAGB, Type: CardTypeZorgverlener, GivenName: "Bram", Surname: "Jansen", Title: "Huisarts", UZINumber: "900100002", URA: "90000101", Organisation: "Huisartsenpraktijk De Linde", Role: "01.015", AGB: "00000000", Note: "GP without an AGB code on the card"},
	{Name: CardGPOther, Type: CardTypeZorgverlener, GivenName: "Carla", Surname: "Bakker", Title: "Huisarts", UZINumber: "900100003", URA: "90000102", Organisation: "Huisartsenpraktijk Het Anker", Role: "01.015", AGB: "01034567", Note: "GP of another practice"},
	{Name: CardPharmacist, Type: CardTypeZorgverlener, GivenName: "Dirk", Surname: "Visser", Title: "Apotheker", UZINumber: "900100004", URA: "90000201", Organisation: "Apotheek De Brug", Role: "17.075", AGB: "02045678", Note: "community pharmacist"},
	{Name: CardElderlyCarePhysician, Type: CardTypeZorgverlener, GivenName: "Eva", Surname: "Smit", Title: "Specialist ouderengeneeskunde", UZINumber: "900100005", URA: "90000301", Organisation: "Zorggroep Avondrood", Role: "01.047", AGB: "84056789", Note: "elderly-care physician"},
	{Name: CardNurse, Type: CardTypeZorgverlener, GivenName: "Femke", Surname: "Mulder", Title: "Verpleegkundige", UZINumber: "900100006", URA: "90000401", Organisation: "Thuiszorg Dichtbij", Role: "30.000", AGB: "91067890", Note: "home-care nurse"},
	{Name: CardCompanyDoctor, Type: CardTypeZorgverlener, GivenName: "Gert", Surname: "de Boer", Title: "Bedrijfsarts", UZINumber: "900100007", URA: "90000501", Organisation: "Arbodienst Werkfit", Role: "01.008", AGB: "14078901", Note: "company doctor, always refused"},
	{Name: CardEmployee, Type: CardTypeMedewerkerOpNaam, GivenName: "Hanna", Surname: "Meijer", UZINumber: "900100008", URA: "90000101", Organisation: "Huisartsenpraktijk De Linde", Role: "00.000", AGB: "00000000", Note: "named employee of a GP practice"},
	{Name: CardRevoked, Type: CardTypeZorgverlener, GivenName: "Ivo", Surname: "Peters", Title: "Huisarts", UZINumber: "900100009", URA: "90000102", Organisation: "Huisartsenpraktijk Het Anker", Role: "01.015", AGB: "01089012", Revoked: true, Note: "GP whose card is revoked"},
	{Name: CardExpired, Type: CardTypeZorgverlener, GivenName: "Joke", Surname: "Hendriks", Title: "Huisarts", UZINumber: "900100010", URA: "90000101", Organisation: "Huisartsenpraktijk De Linde", Role: "01.015", AGB: "01090123", Expired: true, Note: "GP whose card has expired"},
	{Name: CardAdmin, Type: CardTypeMedewerkerOpNaam, GivenName: "Karin", Surname: "Dekker", UZINumber: "900100011", URA: HospitalURA, Organisation: HospitalName, Role: "00.000", AGB: "00000000", Note: "hospital staff, administrator"},
	{Name: CardSpecialist, Type: CardTypeZorgverlener, GivenName: "Lars", Surname: "van Dijk", Title: "Internist", UZINumber: "900100012", URA: "90000601", Organisation: "Ziekenhuis Oost", Role: "01.016", AGB: "03012345", Note: "medical specialist in another hospital"},
	{Name: CardInsuranceDoctor, Type: CardTypeZorgverlener, GivenName: "Maria", Surname: "Kok", Title: "Verzekeringsarts", UZINumber: "900100013", URA: "90000701", Organisation: "Verzekeraar Zeker", Role: "01.048", AGB: "14090001", Note: "insurance doctor, always refused"},
}

// CardByName returns the table entry of a card, so that callers get ErrUnknownCard for a typo instead of
// an empty spec.
func CardByName(name string) (CardSpec, error) {
	for _, c := range Cards {
		if c.Name == name {
			return c, nil
		}
	}
	return CardSpec{}, fmt.Errorf("%w: %q", ErrUnknownCard, name)
}

// CommonName is the subject CN of the card: given name and surname, as the CPS prescribes for Z and N cards.
func (s CardSpec) CommonName() string {
	return strings.TrimSpace(s.GivenName + " " + s.Surname)
}

// Issuer is the CA that issues this type of card, which also decides the card's CRL.
func (s CardSpec) Issuer() IssuerName {
	if s.Type == CardTypeMedewerkerOpNaam {
		return MedewerkerOpNaamCA
	}
	return ZorgverlenerCA
}

// OIDCA is the OID CA field of the card's UZI string, which the portal checks against the card type.
func (s CardSpec) OIDCA() string {
	return s.Issuer().OIDCA()
}

// UZIString is the value of the otherName 2.5.5.5 as the portal reads it:
// <OID CA>-1-<UZI-nr>-<type>-<URA>-<role>-<AGB>.
func (s CardSpec) UZIString() string {
	return strings.Join([]string{s.OIDCA(), "1", s.UZINumber, string(s.Type), s.URA, s.Role, s.AGB}, "-")
}

// UPN is the userPrincipalName otherName of the authentication certificate, <UZI-nr>@<URA>, which the
// portal cross-checks against the UZI string.
func (s CardSpec) UPN() string {
	return s.UZINumber + "@" + s.URA
}
