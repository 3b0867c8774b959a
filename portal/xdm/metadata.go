package xdm

import (
	"bytes"
	"encoding/xml"
	"strconv"
)

// The classification schemes, identification schemes and object types of XDS metadata (ITI TF-3 §4.2.5).
const (
	schemeSSNode            = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"
	schemeSSAuthor          = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d"
	schemeSSContentType     = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500"
	schemeSSPatientID       = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446"
	schemeSSUniqueID        = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8"
	schemeSSSourceID        = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832"
	objectTypeStableDE      = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
	schemeDEAuthor          = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d"
	schemeDEClass           = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"
	schemeDEConfidentiality = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"
	schemeDEFormat          = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d"
	schemeDEFacilityType    = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1"
	schemeDEType            = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"
	schemeDEPatientID       = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"
	schemeDEUniqueID        = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
	associationHasMember    = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"
	nsLCM                   = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
	nsRIM                   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
)

// Fixed codes of every package. A portal's documents are hospital documents (facility HOSP), of normal
// confidentiality (the portal's access rules, not the metadata, keep them from the wrong eyes), in Dutch;
// the files are bare PDFs, text or HTML, for which the mime type says it all
// (urn:ihe:iti:xds:2017:mimeTypeSufficient, ITI TF-3 §4.2.3.2.14). The submission set's content type is
// "medical records" (LOINC 11503-0): no national value set exists for XDM content types.
var (
	confidentialityNormal = Code{Code: "N", Scheme: OIDConfidentiality, Display: "normal"}
	facilityHospital      = Code{Code: "HOSP", Scheme: OIDRoleCode, Display: "Hospital"}
	formatMimeSufficient  = Code{Code: "urn:ihe:iti:xds:2017:mimeTypeSufficient", Scheme: OIDFormatCode, Display: "mimeType Sufficient"}
	contentMedicalRecords = Code{Code: "11503-0", Scheme: OIDLOINC, Display: "Medical records"}
)

// The ebRIM 3.0 elements, in the order rim.xsd fixes: Slot, Name, Description, Classification,
// ExternalIdentifier.
type (
	submitObjectsRequest struct {
		XMLName xml.Name `xml:"lcm:SubmitObjectsRequest"`
		LCM     string   `xml:"xmlns:lcm,attr"`
		RIM     string   `xml:"xmlns,attr"`
		List    objectList
	}
	objectList struct {
		XMLName  xml.Name `xml:"RegistryObjectList"`
		Package  registryPackage
		Entries  []extrinsicObject
		Members  []association
		Classify []classification
	}
	slot struct {
		Name   string   `xml:"name,attr"`
		Values []string `xml:"ValueList>Value"`
	}
	localized struct {
		Value string `xml:"value,attr"`
	}
	name struct {
		Strings []localized `xml:"LocalizedString"`
	}
	classification struct {
		XMLName            xml.Name `xml:"Classification"`
		ID                 string   `xml:"id,attr"`
		ClassifiedObject   string   `xml:"classifiedObject,attr"`
		ClassificationNode string   `xml:"classificationNode,attr,omitempty"`
		Scheme             string   `xml:"classificationScheme,attr,omitempty"`
		Node               *string  `xml:"nodeRepresentation,attr"`
		Slots              []slot   `xml:"Slot"`
		Name               *name    `xml:"Name"`
	}
	externalIdentifier struct {
		ID             string `xml:"id,attr"`
		RegistryObject string `xml:"registryObject,attr"`
		Scheme         string `xml:"identificationScheme,attr"`
		Value          string `xml:"value,attr"`
		Name           name   `xml:"Name"`
	}
	registryPackage struct {
		XMLName     xml.Name             `xml:"RegistryPackage"`
		ID          string               `xml:"id,attr"`
		Slots       []slot               `xml:"Slot"`
		Name        *name                `xml:"Name"`
		Classify    []classification     `xml:"Classification"`
		Identifiers []externalIdentifier `xml:"ExternalIdentifier"`
	}
	extrinsicObject struct {
		XMLName     xml.Name             `xml:"ExtrinsicObject"`
		ID          string               `xml:"id,attr"`
		MimeType    string               `xml:"mimeType,attr"`
		ObjectType  string               `xml:"objectType,attr"`
		Slots       []slot               `xml:"Slot"`
		Name        *name                `xml:"Name"`
		Classify    []classification     `xml:"Classification"`
		Identifiers []externalIdentifier `xml:"ExternalIdentifier"`
	}
	association struct {
		XMLName xml.Name `xml:"Association"`
		ID      string   `xml:"id,attr"`
		Type    string   `xml:"associationType,attr"`
		Source  string   `xml:"sourceObject,attr"`
		Target  string   `xml:"targetObject,attr"`
		Slots   []slot   `xml:"Slot"`
	}
)

// metadata writes METADATA.XML: the SubmissionSet, one DocumentEntry per document (file names as given)
// and the HasMember association of each.
func metadata(s Submission, files []string) ([]byte, error) {
	ssID := uuidURN()
	patientID := PatientCX(s.Patient.BSN)
	sourcePatientID := s.Patient.SourceID
	if sourcePatientID == "" {
		sourcePatientID = patientID
	}
	ss := registryPackage{
		ID: ssID,
		Slots: []slot{
			{Name: "submissionTime", Values: []string{dtm(s.Time)}},
			{Name: "intendedRecipient", Values: []string{xon(s.RecipientOrganisation) + "|" + xcn(s.Recipient)}},
		},
		Name: &name{Strings: []localized{{Value: "Documenten uit het Zorgverlenersportaal van " + s.Hospital.Name}}},
		Classify: []classification{
			authorClassification(ssID, schemeSSAuthor, s.Hospital, Person{}),
			codeClassification(ssID, schemeSSContentType, contentMedicalRecords),
		},
		Identifiers: []externalIdentifier{
			identifier(ssID, schemeSSPatientID, patientID, "XDSSubmissionSet.patientId"),
			identifier(ssID, schemeSSUniqueID, randomOID(), "XDSSubmissionSet.uniqueId"),
			identifier(ssID, schemeSSSourceID, uniqueOID("zvp-xdm-source", s.Hospital.URA), "XDSSubmissionSet.sourceId"),
		},
	}
	req := submitObjectsRequest{LCM: nsLCM, RIM: nsRIM}
	req.List.Package = ss
	info := sourcePatientInfo(s.Patient)
	for i, d := range s.Documents {
		id := uuidURN()
		slots := []slot{
			{Name: "creationTime", Values: []string{dtm(d.Created)}},
			{Name: "hash", Values: []string{sha1Hex(d.Data)}},
			{Name: "size", Values: []string{strconv.Itoa(len(d.Data))}},
			{Name: "URI", Values: []string{files[i]}},
			{Name: "languageCode", Values: []string{"nl-NL"}},
		}
		if d.ServiceStart != nil {
			slots = append(slots, slot{Name: "serviceStartTime", Values: []string{dtm(*d.ServiceStart)}})
		}
		slots = append(slots,
			slot{Name: "sourcePatientId", Values: []string{sourcePatientID}},
			slot{Name: "sourcePatientInfo", Values: info})
		entry := extrinsicObject{
			ID: id, MimeType: d.MimeType, ObjectType: objectTypeStableDE,
			Slots: slots,
			Classify: []classification{
				authorClassification(id, schemeDEAuthor, s.Hospital, d.Author),
				codeClassification(id, schemeDEClass, d.Class),
				codeClassification(id, schemeDEConfidentiality, confidentialityNormal),
				codeClassification(id, schemeDEFormat, formatMimeSufficient),
				codeClassification(id, schemeDEFacilityType, facilityHospital),
				codeClassification(id, schemeDEType, d.Type),
			},
			Identifiers: []externalIdentifier{
				identifier(id, schemeDEPatientID, patientID, "XDSDocumentEntry.patientId"),
				identifier(id, schemeDEUniqueID, uniqueOID("zvp-xdm-document", s.Hospital.URA, d.Key, sha1Hex(d.Data)), "XDSDocumentEntry.uniqueId"),
			},
		}
		if d.Title != "" {
			entry.Name = &name{Strings: []localized{{Value: d.Title}}}
		}
		req.List.Entries = append(req.List.Entries, entry)
		req.List.Members = append(req.List.Members, association{
			ID: uuidURN(), Type: associationHasMember, Source: ssID, Target: id,
			Slots: []slot{{Name: "SubmissionSetStatus", Values: []string{"Original"}}},
		})
	}
	// The submission set is a submission set by its classification (ITI TF-3 §4.2.5.1).
	req.List.Classify = append(req.List.Classify, classification{ID: uuidURN(), ClassifiedObject: ssID, ClassificationNode: schemeSSNode})
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(req); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// authorClassification is an author: the hospital as institution, the writer as person when known.
// nodeRepresentation is present and empty, as XDS requires of an author.
func authorClassification(object, scheme string, institution Organisation, person Person) classification {
	empty := ""
	c := classification{ID: uuidURN(), ClassifiedObject: object, Scheme: scheme, Node: &empty}
	if person.Name != "" {
		c.Slots = append(c.Slots, slot{Name: "authorPerson", Values: []string{xcn(person)}})
	}
	c.Slots = append(c.Slots, slot{Name: "authorInstitution", Values: []string{xon(institution)}})
	return c
}

// codeClassification is a coded value: nodeRepresentation, the code system in the codingScheme slot, and
// the display as Name.
func codeClassification(object, scheme string, code Code) classification {
	node := code.Code
	return classification{
		ID: uuidURN(), ClassifiedObject: object, Scheme: scheme, Node: &node,
		Slots: []slot{{Name: "codingScheme", Values: []string{code.Scheme}}},
		Name:  &name{Strings: []localized{{Value: code.Display}}},
	}
}

func identifier(object, scheme, value, label string) externalIdentifier {
	return externalIdentifier{ID: uuidURN(), RegistryObject: object, Scheme: scheme, Value: value,
		Name: name{Strings: []localized{{Value: label}}}}
}

// sourcePatientInfo gives the PID fields XDS reads: identifier, name, birth date and sex.
func sourcePatientInfo(p Patient) []string {
	out := []string{"PID-3|" + PatientCX(p.BSN), "PID-5|" + hl7Escape(p.FamilyName) + "^" + hl7Escape(p.GivenName) + "^^^^^L"}
	if !p.BirthDate.IsZero() {
		out = append(out, "PID-7|"+p.BirthDate.Format("20060102"))
	}
	if p.Sex != "" {
		out = append(out, "PID-8|"+p.Sex)
	}
	return out
}
