package fhir

import (
	"strings"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dutchname"
	"zorgverlenersportaal/portal/store"
)

// The Dutch name of zib NameInformation (profile nl-core-NameInformation) on a FHIR HumanName:
//   - family carries the name as used; its extensions humanname-own-prefix / -own-name and
//     humanname-partner-prefix / -partner-name carry the parts;
//   - the extension humanname-assembly-order (NL1-NL4) says which family names are used and in which order;
//   - given names are qualified by iso21090-EN-qualifier: BR (a first name), IN (an initial), CL (the
//     calling name); a separate official name may carry only the initials, a usual name the calling name.
//
// Without an assembly order the order is inferred from how family writes the parts, else the own name is
// used (the BRP default).
const (
	// ExtensionPartnerPrefix and ExtensionPartnerName are the partner's family name and its voorvoegsel.
	ExtensionPartnerPrefix = "http://hl7.org/fhir/StructureDefinition/humanname-partner-prefix"
	ExtensionPartnerName   = "http://hl7.org/fhir/StructureDefinition/humanname-partner-name"
	// ExtensionAssemblyOrder says which family names a Dutch name uses (NL1-NL4).
	ExtensionAssemblyOrder = "http://hl7.org/fhir/StructureDefinition/humanname-assembly-order"
)

// nameInformation reads a person's names into the parts of a Dutch name.
func nameInformation(names []HumanName) dutchname.Name {
	var out dutchname.Name
	var officials []*HumanName
	for i := range names {
		if names[i].Use == "official" {
			officials = append(officials, &names[i])
		}
	}
	if len(officials) == 0 {
		if n := officialName(names); n != nil {
			officials = append(officials, n)
		}
	}
	familyFound := false
	onlyInitials := ""
	for _, n := range officials {
		if !familyFound && (strings.TrimSpace(n.Family) != "" || n.FamilyExt != nil) {
			familyFound = true
			familyParts(n, &out)
		}
		written, initials, calling, allInitials := givenParts(n)
		if out.GivenNames == "" && written != "" && !allInitials {
			out.GivenNames = written
			if out.Initials == "" {
				out.Initials = initials
			}
		}
		if allInitials && onlyInitials == "" {
			onlyInitials = initials
		}
		if out.CallingName == "" {
			out.CallingName = calling
		}
	}
	if onlyInitials != "" {
		out.Initials = onlyInitials
	}
	if !familyFound && len(officials) > 0 && strings.TrimSpace(officials[0].Text) != "" {
		out.OwnName = strings.TrimSpace(officials[0].Text)
	}
	for i := range names {
		if names[i].Use == "usual" && out.CallingName == "" && len(names[i].Given) > 0 {
			out.CallingName = strings.TrimSpace(names[i].Given[0])
		}
	}
	return out
}

// familyParts reads the family name of one HumanName: its parts from the extensions, the assembly order
// from the name's extension or, failing that, from how family writes the parts.
func familyParts(n *HumanName, out *dutchname.Name) {
	family := strings.Join(strings.Fields(n.Family), " ")
	if n.FamilyExt != nil {
		for _, x := range n.FamilyExt.Extension {
			v := strings.Join(strings.Fields(x.ValueString), " ")
			switch x.URL {
			case ExtensionOwnName:
				out.OwnName = v
			case ExtensionOwnPrefix:
				out.OwnPrefix = v
			case ExtensionPartnerName:
				out.PartnerName = v
			case ExtensionPartnerPrefix:
				out.PartnerPrefix = v
			}
		}
	}
	for _, x := range n.Extension {
		if x.URL == ExtensionAssemblyOrder {
			out.Order = dutchname.ParseOrder(x.ValueCode)
		}
	}
	if out.OwnName == "" && out.PartnerName == "" {
		// No parts: the family name as sent is the own name (a name from outside the Dutch profiles).
		out.OwnName, out.OwnPrefix = family, ""
		return
	}
	if out.Order != dutchname.Unknown || family == "" || out.PartnerName == "" || out.OwnName == "" {
		return // an order only matters, and can only be read from family, with both names
	}
	for _, o := range []dutchname.Order{dutchname.Own, dutchname.Partner, dutchname.PartnerOwn, dutchname.OwnPartner} {
		try := *out
		try.Order = o
		if strings.EqualFold(try.Family(), family) {
			out.Order = o
			return
		}
	}
}

// givenParts reads the given names of one HumanName: as written ("Hendrik J.W."), as initials
// ("H.J.W."), the calling name (qualifier CL), and whether it holds initials only.
func givenParts(n *HumanName) (written, initials, calling string, allInitials bool) {
	var words []string
	var inits strings.Builder
	count, initialCount := 0, 0
	for i, g := range n.Given {
		g = strings.Join(strings.Fields(g), " ")
		if g == "" {
			continue
		}
		qualifier := ""
		if i < len(n.GivenExt) {
			for _, x := range n.GivenExt[i].Extension {
				if x.URL == ExtensionNameQualifier {
					qualifier = strings.ToUpper(x.ValueCode)
				}
			}
		}
		switch qualifier {
		case "CL":
			calling = g
			continue
		case "IN":
			initial := asInitial(g)
			inits.WriteString(initial)
			// Initials written after a first name are written together: "Hendrik J.W.".
			if k := len(words) - 1; k >= 0 && strings.HasSuffix(words[k], ".") {
				words[k] += initial
			} else {
				words = append(words, initial)
			}
			initialCount++
		default:
			words = append(words, g)
			inits.WriteString(dutchname.InitialsOf(g))
		}
		count++
	}
	return strings.Join(words, " "), inits.String(), calling, count > 0 && initialCount == count
}

// asInitial writes an initial with its full stop: "J" and "J." both become "J."; several initials in one
// string ("J.W.") stay as they are.
func asInitial(s string) string {
	s = strings.ReplaceAll(s, " ", "")
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// patientNameParts is what the store keeps of a name beside the own family name and given names.
func patientNameParts(n dutchname.Name) store.PatientName {
	return store.PatientName{PartnerPrefix: n.PartnerPrefix, PartnerName: n.PartnerName, Order: string(n.Order), CallingName: n.CallingName}
}

// putPatientName stores the name parts beside the own family name of a patient just written.
func (r *run) putPatientName(row *access.Patient, names []HumanName) error {
	parts := patientNameParts(nameInformation(names))
	row.PartnerPrefix, row.PartnerName, row.NameOrder, row.CallingName = parts.PartnerPrefix, parts.PartnerName, parts.Order, parts.CallingName
	return r.tx.PutPatientName(row.ID, parts)
}
