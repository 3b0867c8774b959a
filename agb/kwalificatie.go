package agb

import (
	"errors"
	"fmt"
	"sort"
)

// Kwalificatie is a four-digit AGB qualification code such as 0101
// (huisarts) or 8418 (specialist ouderengeneeskunde). Its first two digits
// are the zorgsoort it belongs to. It is a string so 0101 keeps its zero.
type Kwalificatie string

// ErrInvalidKwalificatie is returned (wrapped, with the reason) for text that
// is not a four-digit kwalificatie of a known zorgsoort.
var ErrInvalidKwalificatie = errors.New("agb: invalid kwalificatie")

// KwalificatieInfo names one kwalificatie. NameEN is filled for the ones a
// provider can see on the portal's screens (their own qualification).
type KwalificatieInfo struct {
	Code   Kwalificatie
	NameNL string
	NameEN string
}

// ParseKwalificatie accepts four digits whose first two are a known
// zorgsoort. Codes missing from the package's table are accepted on purpose:
// the table holds the codes the portal reasons about, while the register
// holds many more, and an import must not fail on, say, a physiotherapy
// kwalificatie the portal never uses. Unknown codes simply fit no UZI role.
func ParseKwalificatie(s string) (Kwalificatie, error) {
	if len(s) != 4 || !allDigits(s) {
		return "", fmt.Errorf("%w: %q must be exactly 4 digits", ErrInvalidKwalificatie, s)
	}
	z := Zorgsoort(s[:2])
	if _, ok := z.Info(); !ok {
		return "", fmt.Errorf("%w: %q starts with unknown zorgsoort %s", ErrInvalidKwalificatie, s, z)
	}
	return Kwalificatie(s), nil
}

// Zorgsoort returns the zorgsoort the kwalificatie belongs to, or "" for a
// malformed code, so a bad code never fits anything.
func (k Kwalificatie) Zorgsoort() Zorgsoort {
	if len(k) != 4 {
		return ""
	}
	return Zorgsoort(k[:2])
}

// Info returns the table entry for k, and false when the portal's table does
// not name it (which does not make it invalid; see ParseKwalificatie).
func (k Kwalificatie) Info() (KwalificatieInfo, bool) {
	info, ok := kwalificaties[k]
	return info, ok
}

// Name returns the Dutch name of k, or the bare code when the table does not
// name it, so screens and log lines always show something truthful.
func (k Kwalificatie) Name() string {
	if info, ok := kwalificaties[k]; ok {
		return info.NameNL
	}
	return string(k)
}

// Kwalificaties returns the table sorted by code, as a copy, for admin screens
// and documentation.
func Kwalificaties() []KwalificatieInfo {
	out := make([]KwalificatieInfo, 0, len(kwalificaties))
	for _, info := range kwalificaties {
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// kwalificaties is the table of AGB kwalificaties the portal knows by name.
// Source: the Vektis AGB search form as summarised in the reference notes
// §1.3. Names are the register's; codes 9130-9135 are all "verpleegkundig
// specialist" there, and which specialism each one stands for was not
// verified, so they are named generically rather than guessed.
var kwalificaties = func() map[Kwalificatie]KwalificatieInfo {
	list := []KwalificatieInfo{
		// 01 Huisartsen. 0100 is the "niet nader gespecificeerd" entry of the
		// AGB specialism code list (OID 2.16.840.1.113883.2.4.6.7) seen in
		// FHIR data, not observed as a register kwalificatie.
		{"0100", "Huisartsen, niet nader gespecificeerd", "General practitioners, unspecified"},
		{"0101", "Huisarts", "General practitioner"},
		{"0102", "Huisarts medicatiebeoordeling chronisch UR-geneesmiddelgebruik", "GP medication review (chronic prescription drug use)"},
		{"0103", "Huisarts, uitsluitend waarnemend", "Locum general practitioner"},
		{"0110", "Apotheekhoudend huisarts", "Dispensing general practitioner"},

		// 02 Apothekers.
		{"0200", "Apothekers", "Pharmacist"},
		{"0201", "Apotheker medicatiebeoordeling chronisch UR-geneesmiddelgebruik", "Pharmacist medication review (chronic prescription drug use)"},

		// 03 Medisch specialisten.
		{"0301", "Oogheelkunde", "Ophthalmology"},
		{"0302", "Keel-, neus- en oorheelkunde", "Otorhinolaryngology (ENT)"},
		{"0303", "Chirurgie", "Surgery"},
		{"0304", "Plastische chirurgie", "Plastic surgery"},
		{"0305", "Orthopedie", "Orthopaedics"},
		{"0306", "Urologie", "Urology"},
		{"0307", "Gynaecologie", "Obstetrics and gynaecology"},
		{"0308", "Neurochirurgie", "Neurosurgery"},
		{"0310", "Dermatologie", "Dermatology"},
		{"0313", "Interne geneeskunde", "Internal medicine"},
		{"0316", "Kindergeneeskunde", "Paediatrics"},
		{"0318", "Maag-, darm- en leverziekten", "Gastroenterology and hepatology"},
		{"0320", "Cardiologie", "Cardiology"},
		{"0322", "Longziekten", "Pulmonology"},
		{"0324", "Reumatologie", "Rheumatology"},
		{"0326", "Allergologie", "Allergology"},
		{"0327", "Revalidatiegeneeskunde", "Rehabilitation medicine"},
		{"0328", "Cardio-thoracale chirurgie", "Cardiothoracic surgery"},
		{"0329", "Psychiatrie", "Psychiatry"},
		{"0330", "Neurologie", "Neurology"},
		{"0335", "Klinische geriatrie", "Clinical geriatrics"},
		{"0361", "Radiotherapie", "Radiotherapy"},
		{"0362", "Radiologie", "Radiology"},
		{"0363", "Nucleaire geneeskunde", "Nuclear medicine"},
		{"0386", "Klinische chemie", "Clinical chemistry"},
		{"0387", "Medische microbiologie", "Medical microbiology"},
		{"0388", "Pathologie", "Pathology"},
		{"0389", "Anesthesiologie", "Anaesthesiology"},
		{"0390", "Klinische genetica", "Clinical genetics"},

		// 06 Ziekenhuizen (organisation side only).
		{"0601", "Algemene ziekenhuizen", ""},
		{"0602", "Academische ziekenhuizen", ""},
		{"0607", "Kinderziekenhuizen", ""},
		{"0608", "Kankerklinieken", ""},
		{"0616", "Revalidatiecentra", ""},
		{"0629", "Psychiatrische ziekenhuizen", ""},

		// 14 Bedrijfsartsen: arts arbeid en gezondheid with its two
		// differentiations.
		{"1400", "Arts arbeid en gezondheid", "Physician, occupational and insurance medicine"},
		{"1402", "Arts arbeid en gezondheid - bedrijfsgeneeskunde", "Occupational physician"},
		{"1403", "Arts arbeid en gezondheid - verzekeringsgeneeskunde", "Insurance physician"},

		// 48 Overige instellingen and 75 Thuiszorg (organisation side only).
		{"4804", "Hospices", ""},
		{"7500", "Thuiszorg", ""},

		// 57 Physician assistants.
		{"5700", "Physician assistant", "Physician assistant"},

		// 84 Overige artsen.
		{"8417", "Arts spoedeisende hulp (SEH-arts)", "Emergency physician"},
		{"8418", "Specialist ouderengeneeskunde", "Elderly care physician"},
		{"8425", "Basisarts", "Physician (no specialty)"},
		{"8426", "Arts verstandelijk gehandicapten", "Physician for people with intellectual disabilities"},
		{"8428", "Jeugdarts", "Youth health physician"},
		{"8434", "Ziekenhuisarts", "Hospital physician"},

		// 91 Verpleegkundigen.
		{"9100", "Verpleegkundigen, niet nader gespecificeerd", "Nurse, unspecified"},
		{"9109", "Verpleegkundige niveau 4", "Nurse (level 4)"},
		{"9110", "Verpleegkundige niveau 6 en hoger", "Nurse (level 6 and higher)"},
		{"9111", "Verzorgenden", "Carer"},
		{"9116", "Sociaal-psychiatrisch verpleegkundige", "Community psychiatric nurse"},
		{"9130", "Verpleegkundig specialist", "Nurse practitioner"},
		{"9131", "Verpleegkundig specialist", "Nurse practitioner"},
		{"9132", "Verpleegkundig specialist", "Nurse practitioner"},
		{"9133", "Verpleegkundig specialist", "Nurse practitioner"},
		{"9134", "Verpleegkundig specialist", "Nurse practitioner"},
		{"9135", "Verpleegkundig specialist", "Nurse practitioner"},
		{"9136", "Verpleegkundige niveau 5", "Nurse (level 5)"},
	}
	m := make(map[Kwalificatie]KwalificatieInfo, len(list))
	for _, info := range list {
		if _, dup := m[info.Code]; dup {
			panic("agb: duplicate kwalificatie " + string(info.Code))
		}
		m[info.Code] = info
	}
	return m
}()
