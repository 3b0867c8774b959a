package uzi

// Role is one entry of the UZI role table. The portal shows the name instead of the bare code, in the
// provider's language, and the access log records both so that a patient's report is readable.
type Role struct {
	// Code is the role code PP.SSS as it appears in the UZI string.
	Code string
	// Dutch is the name used by the UZI-register (CPS annex 3).
	Dutch string
	// English is an English rendering of the Dutch name.
	English string
	// Known is true when the code is in the table; a well-formed code the table does not list (a role
	// added to a later CPS) is still a valid UZI role, it just has no name here.
	Known bool
}

// ProfessionCode returns the beroepstitel part PP of the code ("01" for every physician), which is what
// role filters such as "17.*" (all pharmacists) match on.
func (r Role) ProfessionCode() string {
	if len(r.Code) < 2 {
		return ""
	}
	return r.Code[:2]
}

// NoRoleCode is the role every N, M and S card carries: the holder is not acting as a care provider.
const NoRoleCode = "00.000"

// LookupRole returns the table entry for a role code; the boolean is false for a code the table does not
// list, in which case the Role is the zero value.
func LookupRole(code string) (Role, bool) {
	i, ok := roleIndex[code]
	if !ok {
		return Role{}, false
	}
	return roleTable[i], true
}

// Roles returns a copy of the whole role table in code order, for configuration screens that let the
// hospital pick the roles it admits, and for tests.
func Roles() []Role {
	return append([]Role(nil), roleTable...)
}

// roleIndex maps a code to its position in roleTable.
var roleIndex = func() map[string]int {
	m := make(map[string]int, len(roleTable))
	for i, r := range roleTable {
		m[r.Code] = i
	}
	return m
}()

// roleTable is CPS UZI-register v10.3 annex 3 (tables 19-27), which has the same 83 codes as the Nictiz
// CodeSystem uzi-rolcode 11.7.0, plus 00.000 for cards that carry no care-provider role. The Dutch names
// follow the CPS; date annotations such as "(per 1-1-2021)" are left out of the names.
var roleTable = []Role{
	{"00.000", "Geen zorgverlenersrol (medewerker of server)", "No care provider role (employee or server)", true},

	{"01.000", "Arts", "Physician", true},
	{"01.002", "Allergoloog (gesloten register)", "Allergologist (closed register)", true},
	{"01.003", "Anesthesioloog", "Anaesthesiologist", true},
	{"01.004", "Apotheekhoudend huisarts", "Dispensing general practitioner", true},
	{"01.008", "Bedrijfsarts", "Occupational physician", true},
	{"01.010", "Cardioloog", "Cardiologist", true},
	{"01.011", "Cardiothoracaal chirurg", "Cardiothoracic surgeon", true},
	{"01.012", "Dermatoloog", "Dermatologist", true},
	{"01.013", "Arts v. maag-darm-leverziekten", "Gastroenterologist", true},
	{"01.014", "Chirurg", "Surgeon", true},
	{"01.015", "Huisarts", "General practitioner", true},
	{"01.016", "Internist", "Internist", true},
	{"01.018", "Keel-, neus- en oorarts", "Otorhinolaryngologist (ENT physician)", true},
	{"01.019", "Kinderarts", "Paediatrician", true},
	{"01.020", "Arts klinische chemie (gesloten register)", "Clinical chemistry physician (closed register)", true},
	{"01.021", "Klinisch geneticus", "Clinical geneticist", true},
	{"01.022", "Klinisch geriater", "Clinical geriatrician", true},
	{"01.023", "Longarts", "Pulmonologist", true},
	{"01.024", "Arts-microbioloog", "Medical microbiologist", true},
	{"01.025", "Neurochirurg", "Neurosurgeon", true},
	{"01.026", "Neuroloog", "Neurologist", true},
	{"01.030", "Nucleair geneeskundige", "Nuclear medicine physician", true},
	{"01.031", "Oogarts", "Ophthalmologist", true},
	{"01.032", "Orthopedisch chirurg", "Orthopaedic surgeon", true},
	{"01.033", "Patholoog", "Pathologist", true},
	{"01.034", "Plastisch chirurg", "Plastic surgeon", true},
	{"01.035", "Psychiater", "Psychiatrist", true},
	{"01.039", "Radioloog", "Radiologist", true},
	{"01.040", "Radiotherapeut", "Radiation oncologist", true},
	{"01.041", "Reumatoloog", "Rheumatologist", true},
	{"01.042", "Revalidatiearts", "Rehabilitation physician", true},
	{"01.045", "Uroloog", "Urologist", true},
	{"01.046", "Gynaecoloog", "Gynaecologist", true},
	{"01.047", "Specialist ouderengeneeskunde", "Elderly care physician", true},
	{"01.048", "Verzekeringsarts", "Insurance physician", true},
	{"01.050", "Zenuwarts (gesloten register)", "Neuropsychiatrist (closed register)", true},
	{"01.055", "Arts maatschappij en gezondheid", "Public health physician", true},
	{"01.056", "Arts voor verstandelijk gehandicapten", "Physician for people with intellectual disabilities", true},
	{"01.062", "Internist-allergoloog (gesloten register)", "Internist-allergologist (closed register)", true},
	{"01.070", "Jeugdarts", "Youth health care physician", true},
	{"01.071", "Spoedeisende hulp arts (SEH-arts)", "Emergency physician", true},
	{"01.074", "Sportarts", "Sports physician", true},

	{"02.000", "Tandarts", "Dentist", true},
	{"02.053", "Orthodontist", "Orthodontist", true},
	{"02.054", "Kaakchirurg", "Oral and maxillofacial surgeon", true},

	{"03.000", "Verloskundige", "Midwife", true},
	{"04.000", "Fysiotherapeut", "Physiotherapist", true},
	{"16.000", "Psychotherapeut", "Psychotherapist", true},

	{"17.000", "Apotheker", "Pharmacist", true},
	{"17.060", "Ziekenhuisapotheker", "Hospital pharmacist", true},
	{"17.075", "Openbaar apotheker", "Community pharmacist", true},

	{"25.000", "Gezondheidszorgpsycholoog", "Healthcare psychologist", true},
	{"25.061", "Klinisch psycholoog", "Clinical psychologist", true},
	{"25.063", "Klinisch neuropsycholoog", "Clinical neuropsychologist", true},

	{"30.000", "Verpleegkundige", "Nurse", true},
	{"30.065", "Verpl. spec. preventieve zorg bij som. aandoeningen", "Nurse specialist in preventive care for somatic conditions", true},
	{"30.066", "Verpl. spec. acute zorg bij som. aandoeningen", "Nurse specialist in acute care for somatic conditions", true},
	{"30.067", "Verpl. spec. intensieve zorg bij som. aandoeningen", "Nurse specialist in intensive care for somatic conditions", true},
	{"30.068", "Verpl. spec. chronische zorg bij som. aandoeningen", "Nurse specialist in chronic care for somatic conditions", true},
	{"30.069", "Verpl. spec. geestelijke gezondheidszorg", "Nurse specialist in mental health care", true},
	{"30.076", "Verpl. spec. algemene gezondheidszorg", "Nurse specialist in general health care", true},

	{"31.000", "Orthopedagoog-generalist", "Remedial educationalist (generalist)", true},

	{"79.000", "Geregistreerd-mondhygiënist", "Registered dental hygienist", true},
	{"80.000", "Bachelor medisch hulpverlener", "Bachelor medical care provider", true},
	{"81.000", "Physician assistant", "Physician assistant", true},
	{"82.000", "Klinisch technoloog", "Clinical technologist", true},
	{"83.000", "Apothekersassistent", "Pharmacy assistant", true},
	{"84.000", "Klinisch fysicus", "Clinical physicist", true},
	{"85.000", "Tandprotheticus", "Dental prosthetist", true},
	{"86.000", "VIG-er (verzorgende individuele gezondheidszorg)", "Carer in individual health care (VIG)", true},
	{"87.000", "Optometrist", "Optometrist", true},
	{"88.000", "Huidtherapeut", "Skin therapist", true},
	{"89.000", "Diëtist", "Dietitian", true},
	{"90.000", "Ergotherapeut", "Occupational therapist", true},
	{"91.000", "Logopedist", "Speech and language therapist", true},
	{"92.000", "Mondhygiënist", "Dental hygienist", true},
	{"93.000", "Oefentherapeut Mensendieck", "Exercise therapist (Mensendieck)", true},
	{"94.000", "Oefentherapeut Cesar", "Exercise therapist (Cesar)", true},
	{"95.000", "Orthoptist", "Orthoptist", true},
	{"96.000", "Podotherapeut", "Podiatrist", true},
	{"97.000", "Radiodiagnostisch laborant", "Diagnostic radiographer", true},
	{"98.000", "Radiotherapeutisch laborant", "Therapeutic radiographer", true},
	{"99.000", "Zorgverlener andere zorg", "Care provider in other care", true},
}
