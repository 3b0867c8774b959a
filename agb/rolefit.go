package agb

import "sort"

// RoleFit says which AGB qualifications corroborate one UZI role.
//
// The UZI card states a profession (role 01.015 "huisarts"); the AGB register
// states what the person is registered to do (kwalificatie 0101 "huisarts").
// The portal admits a provider only when both agree, so that a card role is
// never taken on its own word and an AGB code of another profession cannot be
// borrowed. Kwalificaties lists the accepted codes; when it is empty, any
// kwalificatie of Zorgsoort fits.
type RoleFit struct {
	Role          string
	RoleName      string
	Zorgsoort     Zorgsoort
	Kwalificaties []Kwalificatie
}

// Accepts reports whether the kwalificatie k corroborates the role. Add-on
// qualifications (0102, 0201) and qualifications of another zorgsoort never
// do.
func (f RoleFit) Accepts(k Kwalificatie) bool {
	if f.Zorgsoort == "" || k.Zorgsoort() != f.Zorgsoort {
		return false
	}
	if len(f.Kwalificaties) == 0 {
		return true
	}
	for _, want := range f.Kwalificaties {
		if k == want {
			return true
		}
	}
	return false
}

// FitFor returns the fit rule for a UZI role code (PP.SSS), and false for a
// role the table does not cover. A role without a rule fits nothing: the
// portal fails closed rather than guessing what a new role should match.
func FitFor(uziRole string) (RoleFit, bool) {
	f, ok := roleFits[uziRole]
	if !ok {
		return RoleFit{}, false
	}
	f.Kwalificaties = append([]Kwalificatie(nil), f.Kwalificaties...)
	return f, true
}

// Fits reports whether kwalificatie k corroborates uziRole; it is the
// one-line form of FitFor(uziRole).Accepts(k).
func Fits(uziRole string, k Kwalificatie) bool {
	f, ok := roleFits[uziRole]
	return ok && f.Accepts(k)
}

// RoleFits returns the whole table sorted by role, as a copy, so it can be
// shown on an admin page and printed in the documentation.
func RoleFits() []RoleFit {
	out := make([]RoleFit, 0, len(roleFits))
	for role := range roleFits {
		f, _ := FitFor(role)
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Role < out[j].Role })
	return out
}

// roleFits is the decided table. Principles, applied to every row:
//
//  1. The register must corroborate the specific claim on the card. Where a
//     card role is narrower than a profession (apotheekhoudend huisarts,
//     verpleegkundig specialist), the matching narrower kwalificatie is
//     required.
//  2. Add-on kwalificaties that do not by themselves establish a profession
//     (0102 and 0201 medicatiebeoordeling) never fit: a person whose base
//     qualification ended is no longer that professional.
//  3. Where the reference lists the matching kwalificatie, only that one fits;
//     for medical specialisms without a listed 03xx code, any 03 fits.
//  4. Roles that the portal always refuses (bedrijfsarts, verzekeringsarts)
//     still get their truthful row; refusal is the admission policy's job,
//     not this table's.
//  5. A role that is not in the table fits nothing (fail closed). This covers
//     01.055 arts maatschappij en gezondheid, dentists, midwives, therapists
//     and psychologists: their AGB counterparts were not verified and the
//     portal does not admit them.
var roleFits = func() map[string]RoleFit {
	k := func(codes ...Kwalificatie) []Kwalificatie { return codes }
	// Verpleegkundig specialist (VS) kwalificaties; which VS specialism each
	// code stands for is not verified, so every VS role accepts all six.
	vs := k("9130", "9131", "9132", "9133", "9134", "9135")
	list := []RoleFit{
		// 01.000 Arts without a specialism: in the UZI register "basisarts"
		// became "arts", and a ziekenhuisarts is a KNMG profile, not a BIG
		// specialism, so both carry 01.000 on the card.
		{"01.000", "Arts", "84", k("8425", "8434")},

		// Huisarts: 0101 huisarts, 0103 uitsluitend waarnemend (a locum GP is
		// a GP) and 0110 apotheekhoudend (a dispensing GP is a GP, and an old
		// card may still say 01.015). 0102 is an add-on; 0100 is a code-list
		// value not seen as a register kwalificatie.
		{"01.015", "Huisarts", "01", k("0101", "0103", "0110")},
		// Apotheekhoudend huisarts: the card claims the practice dispenses
		// medicines, which only 0110 confirms. A GP whose register shows 0101
		// only is refused with a clear reason and can use a 01.015 card or
		// have Vektis add 0110.
		{"01.004", "Apotheekhoudend huisarts", "01", k("0110")},

		// Overige artsen (84) with their own kwalificatie.
		{"01.047", "Specialist ouderengeneeskunde", "84", k("8418")},
		{"01.056", "Arts voor verstandelijk gehandicapten", "84", k("8426")},
		{"01.071", "Spoedeisende hulp arts (SEH-arts)", "84", k("8417")},
		{"01.070", "Jeugdarts", "84", k("8428")},

		// Arts arbeid en gezondheid (14): 1400 is the common profile of both
		// differentiations and fits both; 1402 is bedrijfsgeneeskunde only,
		// 1403 verzekeringsgeneeskunde only. These roles are refused by the
		// admission policy anyway (DESIGN §2 item 6).
		{"01.008", "Bedrijfsarts", "14", k("1400", "1402")},
		{"01.048", "Verzekeringsarts", "14", k("1400", "1403")},

		// Medical specialists (03) with the matching 03xx kwalificatie.
		{"01.002", "Allergoloog", "03", k("0326")},
		{"01.003", "Anesthesioloog", "03", k("0389")},
		{"01.010", "Cardioloog", "03", k("0320")},
		{"01.011", "Cardiothoracaal chirurg", "03", k("0328")},
		{"01.012", "Dermatoloog", "03", k("0310")},
		{"01.013", "Arts v. maag-darm-leverziekten", "03", k("0318")},
		{"01.014", "Chirurg", "03", k("0303")},
		{"01.016", "Internist", "03", k("0313")},
		{"01.018", "Keel-, neus- en oorarts", "03", k("0302")},
		{"01.019", "Kinderarts", "03", k("0316")},
		{"01.020", "Arts klinische chemie", "03", k("0386")},
		{"01.021", "Klinisch geneticus", "03", k("0390")},
		{"01.022", "Klinisch geriater", "03", k("0335")},
		{"01.023", "Longarts", "03", k("0322")},
		{"01.024", "Arts-microbioloog", "03", k("0387")},
		{"01.025", "Neurochirurg", "03", k("0308")},
		{"01.026", "Neuroloog", "03", k("0330")},
		{"01.030", "Nucleair geneeskundige", "03", k("0363")},
		{"01.031", "Oogarts", "03", k("0301")},
		{"01.032", "Orthopedisch chirurg", "03", k("0305")},
		{"01.033", "Patholoog", "03", k("0388")},
		{"01.034", "Plastisch chirurg", "03", k("0304")},
		{"01.035", "Psychiater", "03", k("0329")},
		{"01.039", "Radioloog", "03", k("0362")},
		{"01.040", "Radiotherapeut", "03", k("0361")},
		{"01.041", "Reumatoloog", "03", k("0324")},
		{"01.042", "Revalidatiearts", "03", k("0327")},
		{"01.045", "Uroloog", "03", k("0306")},
		{"01.046", "Gynaecoloog", "03", k("0307")},
		// Internist-allergoloog (closed register) is both an internist and an
		// allergologist; either listed kwalificatie corroborates it.
		{"01.062", "Internist-allergoloog", "03", k("0313", "0326")},
		// Zenuwarts (closed register) and sportarts: the reference lists no
		// 03xx kwalificatie for them, so any medical-specialist kwalificatie
		// fits.
		{"01.050", "Zenuwarts", "03", nil},
		{"01.074", "Sportarts", "03", nil},

		// Apotheker, ziekenhuisapotheker and openbaar apotheker are all
		// registered as apothekers: zorgsoort 02 (NOT 17, which is legal
		// entities), base kwalificatie 0200; 0201 is an add-on.
		{"17.000", "Apotheker", "02", k("0200")},
		{"17.060", "Ziekenhuisapotheker", "02", k("0200")},
		{"17.075", "Openbaar apotheker", "02", k("0200")},

		// Verpleegkundige: every nurse kwalificatie, including SPV and VS (a
		// nurse practitioner is a registered nurse and may hold a card issued
		// before specialising), but not 9111 verzorgenden: a verzorgende IG is
		// not a verpleegkundige (UZI has a separate role 86.000 for VIG-ers).
		{"30.000", "Verpleegkundige", "91", append(k("9100", "9109", "9110", "9116", "9136"), vs...)},
		// Verpleegkundig specialist roles require a VS kwalificatie (principle 1).
		{"30.065", "Verpl. spec. preventieve zorg bij som. aandoeningen", "91", vs},
		{"30.066", "Verpl. spec. acute zorg bij som. aandoeningen", "91", vs},
		{"30.067", "Verpl. spec. intensieve zorg bij som. aandoeningen", "91", vs},
		{"30.068", "Verpl. spec. chronische zorg bij som. aandoeningen", "91", vs},
		{"30.069", "Verpl. spec. geestelijke gezondheidszorg", "91", vs},
		{"30.076", "Verpl. spec. algemene gezondheidszorg", "91", vs},

		// Physician assistant: zorgsoort 57, kwalificatie 5700.
		{"81.000", "Physician assistant", "57", k("5700")},
	}
	m := make(map[string]RoleFit, len(list))
	for _, f := range list {
		if _, dup := m[f.Role]; dup {
			panic("agb: duplicate role fit " + f.Role)
		}
		for _, q := range f.Kwalificaties {
			if q.Zorgsoort() != f.Zorgsoort {
				panic("agb: role fit " + f.Role + " lists kwalificatie " + string(q) + " of another zorgsoort")
			}
		}
		m[f.Role] = f
	}
	return m
}()
