package xdm

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Entry is one DocumentEntry as a receiving system reads it from METADATA.XML, with its file.
type Entry struct {
	ID        string
	UniqueID  string
	PatientID string
	MimeType  string
	Title     string
	URI       string
	Hash      string
	Size      int
	// Classifications maps each classification scheme to its node (the code).
	Classifications map[string]string
	Slots           map[string][]string
	Data            []byte
}

// Contents is what Verify found in a package.
type Contents struct {
	PatientID string
	Entries   []Entry
	Files     []string
}

// isoName is a file or folder name ISO 9660 level 1 allows: upper case, digits and underscore, 8.3.
var isoName = regexp.MustCompile(`^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{1,3})?$`)

// Verify reads a package as a receiving system does and checks what IHE XDM requires of it: the layout
// (README.TXT, INDEX.HTM, directory entries, ISO 9660 names), one submission set with its patientId,
// uniqueId, sourceId and submissionTime, and for every DocumentEntry its required metadata, a file at its
// URI whose SHA-1 and size match, a HasMember association, and the set's patientId. The portal checks
// each package with it before sending it, so that a broken package is an error and not a download.
func Verify(data []byte) (Contents, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Contents{}, fmt.Errorf("xdm: not a ZIP: %w", err)
	}
	files := map[string][]byte{}
	var c Contents
	for _, f := range zr.File {
		c.Files = append(c.Files, f.Name)
		for _, part := range strings.Split(strings.TrimSuffix(f.Name, "/"), "/") {
			if !isoName.MatchString(part) {
				return c, fmt.Errorf("xdm: %q is not an ISO 9660 level 1 name", f.Name)
			}
		}
		if strings.HasSuffix(f.Name, "/") {
			files[f.Name] = nil
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return c, fmt.Errorf("xdm: %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return c, fmt.Errorf("xdm: %s: %w", f.Name, err)
		}
		files[f.Name] = b
	}
	for _, need := range []string{"README.TXT", "INDEX.HTM", rootFolder, subsetFolder, metadataFile} {
		if _, ok := files[need]; !ok {
			return c, fmt.Errorf("xdm: the package has no %s", need)
		}
	}
	var req struct {
		Packages []rimObject `xml:"RegistryObjectList>RegistryPackage"`
		Entries  []rimObject `xml:"RegistryObjectList>ExtrinsicObject"`
		Assocs   []struct {
			Type   string    `xml:"associationType,attr"`
			Source string    `xml:"sourceObject,attr"`
			Target string    `xml:"targetObject,attr"`
			Slots  []rimSlot `xml:"Slot"`
		} `xml:"RegistryObjectList>Association"`
		Classifications []rimClassification `xml:"RegistryObjectList>Classification"`
	}
	if err := xml.Unmarshal(files[metadataFile], &req); err != nil {
		return c, fmt.Errorf("xdm: METADATA.XML: %w", err)
	}
	if len(req.Packages) != 1 {
		return c, fmt.Errorf("xdm: METADATA.XML holds %d submission sets, want 1", len(req.Packages))
	}
	ss := req.Packages[0]
	isSet := false
	for _, cl := range append(ss.Classifications, req.Classifications...) {
		if cl.Node == schemeSSNode && cl.Object == ss.ID {
			isSet = true
		}
	}
	if !isSet {
		return c, fmt.Errorf("xdm: the RegistryPackage is not classified as a submission set")
	}
	for _, cl := range ss.Classifications {
		if err := checkCode(ss.ID, cl, schemeSSAuthor); err != nil {
			return c, err
		}
	}
	ssIDs := ss.identifiers()
	for _, scheme := range []string{schemeSSPatientID, schemeSSUniqueID, schemeSSSourceID} {
		if ssIDs[scheme] == "" {
			return c, fmt.Errorf("xdm: the submission set lacks the external identifier %s", scheme)
		}
	}
	if len(ss.slots()["submissionTime"]) != 1 {
		return c, fmt.Errorf("xdm: the submission set lacks submissionTime")
	}
	c.PatientID = ssIDs[schemeSSPatientID]
	members := map[string]bool{}
	for _, a := range req.Assocs {
		if a.Type == associationHasMember && a.Source == ss.ID {
			members[a.Target] = true
		}
	}
	for _, e := range req.Entries {
		ids := e.identifiers()
		slots := e.slots()
		entry := Entry{ID: e.ID, UniqueID: ids[schemeDEUniqueID], PatientID: ids[schemeDEPatientID], MimeType: e.MimeType,
			Title: e.Name.text(), Classifications: map[string]string{}, Slots: slots}
		for _, cl := range e.Classifications {
			entry.Classifications[cl.Scheme] = cl.Code
			if err := checkCode(e.ID, cl, schemeDEAuthor); err != nil {
				return c, err
			}
		}
		for _, scheme := range []string{schemeDEAuthor, schemeDEClass, schemeDEConfidentiality, schemeDEFormat, schemeDEFacilityType, schemeDEType} {
			if _, ok := entry.Classifications[scheme]; !ok {
				return c, fmt.Errorf("xdm: entry %s lacks the classification %s", e.ID, scheme)
			}
		}
		for _, s := range []string{"creationTime", "hash", "size", "URI", "languageCode", "sourcePatientId", "sourcePatientInfo"} {
			if len(slots[s]) == 0 {
				return c, fmt.Errorf("xdm: entry %s lacks the slot %s", e.ID, s)
			}
		}
		if e.ObjectType != objectTypeStableDE || entry.MimeType == "" || entry.UniqueID == "" || len(entry.UniqueID) > 64 {
			return c, fmt.Errorf("xdm: entry %s: objectType, mimeType or uniqueId missing or wrong", e.ID)
		}
		if entry.PatientID != c.PatientID {
			return c, fmt.Errorf("xdm: entry %s is of patient %s, the submission set of %s", e.ID, entry.PatientID, c.PatientID)
		}
		if !members[e.ID] {
			return c, fmt.Errorf("xdm: entry %s is no member of the submission set", e.ID)
		}
		entry.URI, entry.Hash = slots["URI"][0], slots["hash"][0]
		entry.Size, err = strconv.Atoi(slots["size"][0])
		if err != nil {
			return c, fmt.Errorf("xdm: entry %s: size %q", e.ID, slots["size"][0])
		}
		name := path.Join(strings.TrimSuffix(subsetFolder, "/"), entry.URI)
		body, ok := files[name]
		if !ok {
			return c, fmt.Errorf("xdm: entry %s: no file %s", e.ID, name)
		}
		if len(body) != entry.Size || !strings.EqualFold(sha1Hex(body), entry.Hash) {
			return c, fmt.Errorf("xdm: entry %s: %s has %d bytes and hash %s, the metadata says %d and %s",
				e.ID, name, len(body), sha1Hex(body), entry.Size, entry.Hash)
		}
		entry.Data = body
		c.Entries = append(c.Entries, entry)
	}
	if len(c.Entries) == 0 {
		return c, ErrNoDocuments
	}
	return c, nil
}

// checkCode checks a classification of object: it points at the object, and a coded value (anything
// but the author) has a code, one codingScheme and a name (ITI TF-3 §4.2.3.1.2).
func checkCode(object string, cl rimClassification, authorScheme string) error {
	if cl.Object != object {
		return fmt.Errorf("xdm: %s: a classification points at %s", object, cl.Object)
	}
	if cl.Scheme == authorScheme {
		if len(cl.slots()["authorInstitution"]) == 0 && len(cl.slots()["authorPerson"]) == 0 {
			return fmt.Errorf("xdm: %s: an author without person or institution", object)
		}
		return nil
	}
	if cl.Code == "" || len(cl.slots()["codingScheme"]) != 1 || cl.Name.text() == "" {
		return fmt.Errorf("xdm: %s: classification %s needs a code, one codingScheme and a name", object, cl.Scheme)
	}
	return nil
}

type rimSlot struct {
	Name   string   `xml:"name,attr"`
	Values []string `xml:"ValueList>Value"`
}

type rimName struct {
	Strings []struct {
		Value string `xml:"value,attr"`
	} `xml:"LocalizedString"`
}

func (n rimName) text() string {
	if len(n.Strings) == 0 {
		return ""
	}
	return n.Strings[0].Value
}

type rimClassification struct {
	Object string    `xml:"classifiedObject,attr"`
	Scheme string    `xml:"classificationScheme,attr"`
	Node   string    `xml:"classificationNode,attr"`
	Code   string    `xml:"nodeRepresentation,attr"`
	Slots  []rimSlot `xml:"Slot"`
	Name   rimName   `xml:"Name"`
}

// slots gives a classification's slots by name.
func (c rimClassification) slots() map[string][]string {
	out := map[string][]string{}
	for _, s := range c.Slots {
		out[s.Name] = s.Values
	}
	return out
}

type rimObject struct {
	ID              string              `xml:"id,attr"`
	MimeType        string              `xml:"mimeType,attr"`
	ObjectType      string              `xml:"objectType,attr"`
	Slots           []rimSlot           `xml:"Slot"`
	Name            rimName             `xml:"Name"`
	Classifications []rimClassification `xml:"Classification"`
	Identifiers     []struct {
		Scheme string  `xml:"identificationScheme,attr"`
		Value  string  `xml:"value,attr"`
		Name   rimName `xml:"Name"`
	} `xml:"ExternalIdentifier"`
}

func (o rimObject) slots() map[string][]string {
	out := map[string][]string{}
	for _, s := range o.Slots {
		out[s.Name] = s.Values
	}
	return out
}

// identifiers gives the external identifiers by scheme; one without a Name counts as missing (the NIST
// validator refuses it).
func (o rimObject) identifiers() map[string]string {
	out := map[string]string{}
	for _, id := range o.Identifiers {
		if id.Name.text() != "" {
			out[id.Scheme] = id.Value
		}
	}
	return out
}
