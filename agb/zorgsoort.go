package agb

import "sort"

// Zorgsoort is the two-digit AGB zorgsoort (kind of care) that starts every
// AGB code and every kwalificatie. It is a string so "01" keeps its zero.
type Zorgsoort string

// ZorgsoortInfo describes one zorgsoort of the AGB register.
//
// Person tells whether the zorgsoort is used for zorgverlener (person)
// registrations; every zorgsoort may appear on the organisation side
// (onderneming and vestiging), because a practice of a person zorgsoort is
// registered under that same zorgsoort. The portal uses Person to refuse a
// zorgverlener registration under an organisation-only zorgsoort such as 06
// (hospitals) or 17 (legal entities).
type ZorgsoortInfo struct {
	Code   Zorgsoort
	NameNL string
	NameEN string
	Person bool
}

// Info returns the table entry for z, and false for a zorgsoort the register
// does not use, which makes a code starting with it invalid.
func (z Zorgsoort) Info() (ZorgsoortInfo, bool) {
	info, ok := zorgsoorten[z]
	return info, ok
}

// Name returns the Dutch name of z, or z itself when it is unknown, so that a
// screen can always show something truthful.
func (z Zorgsoort) Name() string {
	if info, ok := zorgsoorten[z]; ok {
		return info.NameNL
	}
	return string(z)
}

// Zorgsoorten returns the whole table sorted by code, for admin screens and
// documentation; it is a copy, so callers cannot change the rules.
func Zorgsoorten() []ZorgsoortInfo {
	out := make([]ZorgsoortInfo, 0, len(zorgsoorten))
	for _, info := range zorgsoorten {
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// zorgsoorten is the AGB zorgsoort table. Source: the Vektis AGB search form
// (25 person zorgsoorten, 73 on the organisation side), as summarised in the
// project's reference notes §1.3. Beware: 02 is Apothekers; 17 is
// Rechtspersonen (legal entities), not pharmacists.
var zorgsoorten = func() map[Zorgsoort]ZorgsoortInfo {
	person := []ZorgsoortInfo{
		{"01", "Huisartsen", "General practitioners", true},
		{"02", "Apothekers", "Pharmacists", true},
		{"03", "Medisch specialisten", "Medical specialists", true},
		{"04", "Fysiotherapeuten", "Physiotherapists", true},
		{"05", "Logopedisten", "Speech therapists", true},
		{"07", "Oefentherapeuten", "Exercise therapists", true},
		{"08", "Verloskundigen", "Midwives", true},
		{"11", "Tandarts-specialisten (Mondziekten en Kaakchirurgie)", "Oral and maxillofacial surgeons", true},
		{"12", "Tandartsen", "Dentists", true},
		{"13", "Tandarts-specialisten (Dento-Maxillaire Orthopedie)", "Orthodontists", true},
		{"14", "Bedrijfsartsen", "Occupational and insurance physicians", true},
		{"24", "Diëtisten", "Dietitians", true},
		{"26", "Podotherapeuten", "Podiatrists", true},
		{"33", "Kraamzorg", "Maternity care", true},
		{"44", "Optometristen", "Optometrists", true},
		{"57", "Physician assistants", "Physician assistants", true},
		{"84", "Overige artsen", "Other physicians", true},
		{"87", "Mondhygiënisten", "Dental hygienists", true},
		{"88", "Ergotherapeuten", "Occupational therapists", true},
		{"89", "Schoonheidsspecialisten", "Beauty specialists", true},
		{"90", "Overige therapeuten / CAM", "Other therapists / complementary care", true},
		{"91", "Verpleegkundigen", "Nurses", true},
		{"93", "Tandtechnici / Tandprothetici", "Dental technicians / denturists", true},
		{"94", "Psychologische zorgverleners", "Psychological care providers", true},
		{"96", "Pedicuren", "Chiropodists", true},
	}
	organisation := []ZorgsoortInfo{
		{"06", "Ziekenhuizen", "Hospitals", false},
		{"17", "Rechtspersonen", "Legal entities", false},
		{"18", "Dialysecentra", "Dialysis centres", false},
		{"19", "Audiologische centra", "Audiology centres", false},
		{"20", "Radiotherapeutische centra", "Radiotherapy centres", false},
		{"21", "Dienstenstructuren (ANW-diensten)", "Out-of-hours services", false},
		{"22", "ZBC's", "Independent treatment centres", false},
		{"23", "Instellingen voor revalidatiedagbehandeling", "Rehabilitation day-treatment institutions", false},
		{"25", "Instellingen voor psychiatrische deeltijdbehandeling", "Psychiatric part-time treatment institutions", false},
		{"30", "Instellingen voor verstandelijk gehandicapten", "Institutions for people with intellectual disabilities", false},
		{"31", "Bloedbanken", "Blood banks", false},
		{"32", "GGD", "Municipal health services", false},
		{"34", "Trombosediensten", "Thrombosis services", false},
		{"35", "Instellingen voor visueel gehandicapten", "Institutions for the visually impaired", false},
		{"36", "Ambulancediensten", "Ambulance services", false},
		{"37", "Gezondheidscentra", "Health centres", false},
		{"38", "Tandheelkundige centra", "Dental centres", false},
		{"39", "Instellingen voor jeugdtandverzorging", "Youth dental care institutions", false},
		{"40", "Instellingen voor auditief gehandicapten", "Institutions for the hearing impaired", false},
		{"41", "ZZP-ers in wijkverpleging / PGB-aanbieders / beheerstichtingen", "Self-employed district nursing / personal-budget providers", false},
		{"42", "Verzorgingshuizen", "Residential care homes", false},
		{"43", "Beheerstichtingen verzorgingstehuizen", "Management foundations of care homes", false},
		{"45", "Verpleeginrichtingen somatisch", "Nursing homes (somatic)", false},
		{"46", "Verpleeginrichtingen psychogeriatrisch", "Nursing homes (psychogeriatric)", false},
		{"47", "Gecombineerde verpleeginrichtingen", "Combined nursing homes", false},
		{"48", "Overige instellingen", "Other institutions", false},
		{"49", "Abortusklinieken", "Abortion clinics", false},
		{"50", "Laboratoria", "Laboratories", false},
		{"51", "Klinisch-genetische centra", "Clinical genetics centres", false},
		{"52", "Eurotransplant", "Eurotransplant", false},
		{"53", "Diverse samenwerkingsverbanden (ketenzorg)", "Care partnerships (chain care)", false},
		{"54", "GGZ-instellingen (PUK/PAAZ)", "Mental health institutions", false},
		{"56", "Consultatiebureaus voor alcohol en drugs", "Alcohol and drug clinics", false},
		{"58", "CPA", "Crisis psychiatry services (CPA)", false},
		{"60", "Instellingen voor dagverpleging ouderen", "Day care for the elderly", false},
		{"61", "Beheerstichtingen dagverblijven", "Management foundations of day centres", false},
		{"65", "Gezinsvervangende tehuizen", "Family-replacement homes", false},
		{"66", "Koepels en beheerstichtingen WLZ", "Umbrella organisations (Wlz)", false},
		{"67", "Netwerkorganisaties", "Network organisations", false},
		{"70", "Kinderdagverblijven", "Day nurseries", false},
		// 71 is not a zorgsoort in the Vektis form but the number range of
		// many vestiging (location) codes, e.g. 71001001 (reference §1.1);
		// without it those vestigingen could not be imported.
		{"71", "Vestigingen", "Locations", false},
		{"72", "RIBW", "Sheltered housing (RIBW)", false},
		{"73", "WLZ gecombineerd", "Long-term care, combined (Wlz)", false},
		{"74", "Arbodiensten", "Occupational health services", false},
		{"75", "Thuiszorginstellingen", "Home care organisations", false},
		{"76", "Leveranciers hulpmiddelen", "Medical aids suppliers", false},
		{"78", "Sociaal-pedagogische diensten", "Social-pedagogical services", false},
		{"79", "RIAGG", "Regional mental health services (RIAGG)", false},
		{"85", "Taxivervoerders", "Taxi transport", false},
		{"98", "Declaranten / servicebureaus / zorgverzekeraars", "Billing agents / service bureaus / insurers", false},
	}
	m := make(map[Zorgsoort]ZorgsoortInfo, len(person)+len(organisation))
	for _, list := range [][]ZorgsoortInfo{person, organisation} {
		for _, info := range list {
			if _, dup := m[info.Code]; dup {
				panic("agb: duplicate zorgsoort " + string(info.Code))
			}
			m[info.Code] = info
		}
	}
	return m
}()
