package demodata

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"zorgverlenersportaal/portal/fhir"
)

// bundleBuilder collects the resources of one generated bundle.
type bundleBuilder struct {
	bundle *fhir.Bundle
}

func newBundle(typ string) *bundleBuilder {
	return &bundleBuilder{bundle: &fhir.Bundle{ResourceType: "Bundle", Type: typ}}
}

// add appends a resource with a urn:uuid fullUrl; transaction and batch entries get a PUT request, as the
// hospital's export would send them.
func (b *bundleBuilder) add(typ, id string, resource any) {
	raw, err := json.Marshal(resource)
	if err != nil {
		// The resources are our own structs; failing to marshal one is a programming error.
		panic(fmt.Sprintf("demodata: marshal %s/%s: %v", typ, id, err))
	}
	e := fhir.BundleEntry{FullURL: "urn:uuid:" + id, Resource: raw}
	switch b.bundle.Type {
	case "transaction", "batch":
		e.Request = &fhir.EntryRequest{Method: "PUT", URL: typ + "/" + id}
	case "searchset":
		e.Search = &fhir.EntrySearch{Mode: "match"}
		if typ != "Patient" {
			e.Search.Mode = "include"
		}
	}
	b.bundle.Entry = append(b.bundle.Entry, e)
}

// uuidFor derives a stable UUID (version 5 layout over SHA-256) from names, so the demo world has the same
// ids every time it is generated.
func uuidFor(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// Helpers to write FHIR values.

func dt(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func date(t time.Time) string { return t.Format(time.DateOnly) }

func coding(system, code, display string) fhir.Coding {
	return fhir.Coding{System: system, Code: code, Display: display}
}

func concept(system, code, display string) *fhir.CodeableConcept {
	if code == "" {
		return &fhir.CodeableConcept{Text: display}
	}
	return &fhir.CodeableConcept{Coding: []fhir.Coding{coding(system, code, display)}, Text: display}
}

func text(s string) *fhir.CodeableConcept { return &fhir.CodeableConcept{Text: s} }

func concepts(cs ...*fhir.CodeableConcept) []fhir.CodeableConcept {
	out := make([]fhir.CodeableConcept, 0, len(cs))
	for _, c := range cs {
		out = append(out, *c)
	}
	return out
}

func ref(id string) *fhir.Reference { return &fhir.Reference{Reference: "urn:uuid:" + id} }

func num(f float64) *float64 { return &f }

func quantity(v float64, unit string) *fhir.Quantity {
	return &fhir.Quantity{Value: num(v), Unit: unit, System: "http://unitsofmeasure.org", Code: unit}
}

func period(from, until time.Time) *fhir.Period {
	p := &fhir.Period{}
	if !from.IsZero() {
		p.Start = dt(from)
	}
	if !until.IsZero() {
		p.End = dt(until)
	}
	return p
}

func ident(system, value string) fhir.Identifier {
	return fhir.Identifier{System: system, Value: value}
}

func boolPtr(b bool) *bool { return &b }
