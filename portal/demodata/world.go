package demodata

import (
	"fmt"
	"strings"

	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/fhir"
)

// The providers of the demo world: the organisations and providers of the development UZI-register's test
// cards (so that logging in with a card finds patients), and the hospital's own clinicians who write the
// letters, reports and prescriptions. Patient bundles point at them with conditional references by AGB
// and URA, across bundles, as a hospital export would.

// clinician is a practitioner of the demo world.
type clinician struct {
	key        string
	given      string
	prefix     string
	family     string
	agb        string
	uzi        string
	specialism string
	ura        string // the organisation the clinician works for
}

func (c clinician) name() string {
	return strings.Join(strings.Fields(strings.Join([]string{c.given, c.prefix, c.family}, " ")), " ")
}

// ref is a conditional reference by AGB code: the patient bundles do not contain practitioners.
func (c clinician) ref() *fhir.Reference {
	return &fhir.Reference{Reference: "Practitioner?identifier=" + fhir.SystemAGB + "|" + c.agb, Display: c.name()}
}

// hospitalClinicians work in Ziekenhuis Rivierenland (AGB codes are fictitious, in the 03 range of
// medical specialists).
var hospitalClinicians = []clinician{
	{key: "internist", given: "Marloes", family: "Hoekstra", agb: "03100011", specialism: "Interne geneeskunde"},
	{key: "nefroloog", given: "Esther", family: "Wolters", agb: "03100028", specialism: "Interne geneeskunde (nefrologie)"},
	{key: "cardioloog", given: "Joost", prefix: "van der", family: "Wal", agb: "03100035", specialism: "Cardiologie"},
	{key: "longarts", given: "Saskia", family: "Brink", agb: "03100042", specialism: "Longziekten"},
	{key: "chirurg", given: "Peter", prefix: "de", family: "Ridder", agb: "03100059", specialism: "Heelkunde"},
	{key: "orthopeed", given: "Bart", family: "Claassen", agb: "03100066", specialism: "Orthopedie"},
	{key: "geriater", given: "Renske", family: "Vos", agb: "03100073", specialism: "Klinische geriatrie"},
	{key: "radioloog", given: "Hans", family: "Kuipers", agb: "03100080", specialism: "Radiologie"},
	{key: "patholoog", given: "Ayla", family: "Demir", agb: "03100097", specialism: "Pathologie"},
	{key: "kinderarts", given: "Tom", family: "Verhoeven", agb: "03100103", specialism: "Kindergeneeskunde"},
	{key: "mdl", given: "Nadia", family: "Haddou", agb: "03100110", specialism: "Maag-, darm- en leverziekten"},
	{key: "neuroloog", given: "Wouter", prefix: "van", family: "Os", agb: "03100127", specialism: "Neurologie"},
}

// cardClinicians are the holders of the test cards that carry an AGB code, as practitioners.
func cardClinicians() []clinician {
	specialisms := map[string]string{
		"01.015": "Huisartsgeneeskunde", "17.075": "Openbare farmacie", "01.047": "Specialisme ouderengeneeskunde",
		"30.000": "Verpleegkunde", "01.016": "Interne geneeskunde",
	}
	var out []clinician
	for _, c := range devpki.Cards {
		if c.AGB == "" || c.AGB == "00000000" || c.Revoked || c.Expired {
			continue
		}
		spec, ok := specialisms[c.Role]
		if !ok {
			continue // company and insurance doctors never appear in a dossier
		}
		prefix, family := splitPrefix(c.Surname)
		out = append(out, clinician{key: c.Name, given: c.GivenName, prefix: prefix, family: family, agb: c.AGB,
			uzi: c.UZINumber, specialism: spec, ura: c.URA})
	}
	return out
}

// splitPrefix splits "de Vries" into voorvoegsel and name.
func splitPrefix(surname string) (string, string) {
	words := strings.Fields(surname)
	if len(words) < 2 {
		return "", surname
	}
	return strings.Join(words[:len(words)-1], " "), words[len(words)-1]
}

// organisation is a care organisation of the demo world.
type organisation struct {
	ura, name, city string
}

func (o organisation) ref() *fhir.Reference {
	return &fhir.Reference{Reference: "Organization?identifier=" + fhir.SystemURA + "|" + o.ura, Display: o.name}
}

// organisations are the hospital and the organisations of the test cards.
func organisations() []organisation {
	cities := map[string]string{
		"90000101": "Tiel", "90000102": "Culemborg", "90000201": "Tiel", "90000301": "Geldermalsen",
		"90000401": "Tiel", "90000601": "Arnhem",
	}
	out := []organisation{{ura: devpki.HospitalURA, name: devpki.HospitalName, city: "Tiel"}}
	seen := map[string]bool{devpki.HospitalURA: true}
	for _, c := range devpki.Cards {
		city, ok := cities[c.URA]
		if !ok || seen[c.URA] {
			continue
		}
		seen[c.URA] = true
		out = append(out, organisation{ura: c.URA, name: c.Organisation, city: city})
	}
	return out
}

// world holds the providers, so patient charts can name them by key.
type world struct {
	clinicians map[string]clinician
	orgs       map[string]organisation
}

func newWorld() *world {
	w := &world{clinicians: map[string]clinician{}, orgs: map[string]organisation{}}
	for _, c := range hospitalClinicians {
		c.ura = devpki.HospitalURA
		w.clinicians[c.key] = c
	}
	for _, c := range cardClinicians() {
		w.clinicians[c.key] = c
	}
	for _, o := range organisations() {
		w.orgs[o.ura] = o
	}
	return w
}

func (w *world) doc(key string) clinician {
	c, ok := w.clinicians[key]
	if !ok {
		panic(fmt.Sprintf("demodata: no clinician %q", key))
	}
	return c
}

func (w *world) org(ura string) organisation {
	o, ok := w.orgs[ura]
	if !ok {
		panic(fmt.Sprintf("demodata: no organisation %q", ura))
	}
	return o
}

// providersBundle is the collection of organisations, practitioners and practitioner roles that every
// patient bundle points at.
func (w *world) providersBundle() *fhir.Bundle {
	b := newBundle("collection")
	for _, o := range organisations() {
		id := uuidFor("demo", "Organization", o.ura)
		b.add("Organization", id, fhir.Organization{
			DomainResource: fhir.DomainResource{ResourceType: "Organization", ID: id, Identifier: []fhir.Identifier{ident(fhir.SystemURA, o.ura)}},
			Name:           o.name,
			Address:        []fhir.Address{{City: o.city, Country: "NL"}},
		})
	}
	all := append([]clinician{}, cardClinicians()...)
	for _, c := range hospitalClinicians {
		c.ura = devpki.HospitalURA
		all = append(all, c)
	}
	for _, c := range all {
		id := uuidFor("demo", "Practitioner", c.agb)
		ids := []fhir.Identifier{ident(fhir.SystemAGB, c.agb)}
		if c.uzi != "" {
			ids = append(ids, ident(fhir.SystemUZI, c.uzi))
		}
		name := fhir.HumanName{Use: "official", Family: strings.TrimSpace(c.prefix + " " + c.family), Given: []string{c.given}}
		if c.prefix != "" {
			name.FamilyExt = &fhir.Element{Extension: []fhir.Extension{
				{URL: fhir.ExtensionOwnPrefix, ValueString: c.prefix},
				{URL: fhir.ExtensionOwnName, ValueString: c.family},
			}}
		}
		b.add("Practitioner", id, fhir.Practitioner{
			DomainResource: fhir.DomainResource{ResourceType: "Practitioner", ID: id, Identifier: ids},
			Name:           []fhir.HumanName{name},
		})
		roleID := uuidFor("demo", "PractitionerRole", c.agb)
		b.add("PractitionerRole", roleID, fhir.PractitionerRole{
			DomainResource: fhir.DomainResource{ResourceType: "PractitionerRole", ID: roleID},
			Practitioner:   ref(id),
			Organization:   &fhir.Reference{Reference: "urn:uuid:" + uuidFor("demo", "Organization", c.ura)},
			Specialty:      concepts(text(c.specialism)),
		})
	}
	return b.bundle
}
