package fhir

import (
	"sort"
	"strings"
)

// The dosage written out in Dutch, for an MP9 record that sends no ext-RenderedDosageInstruction. The
// wording follows the Nictiz HL7 mappings (util/mp-functions.xsl, nf:gebruiksintructie-string) that
// produce the rendered instructions of the MP9 3.0 qualification data:
//
//	[cyclus van N dagen: steeds ] per phase: [eerst|dan ][gedurende N dagen ][as-needed ][N maal per dag |
//	exact iedere N uur ][elke dag om 08:00 en 22:00 ][dose][ 's avonds][ - let op, exacte toedientijd(en)]
//	[, maximaal N stuks per dag]
//
// Dosage instructions with the same sequence are taken together and joined with " en "; the next
// sequence is the next phase, joined with ", "; a phase with a duration and no dose is a pause ("pauze"). The
// additional instructions and the route follow, once each, joined with ", ".

// dosageInstructionText writes a list of MP9 dosage instructions, under a cyclical schedule when given.
func dosageInstructionText(ds []mpDosage, cycle *Quantity) string {
	if len(ds) == 0 {
		return ""
	}
	var free []string
	for _, d := range ds {
		if t := strings.TrimSpace(d.Text); t != "" {
			free = append(free, t)
		}
	}
	if len(free) == len(ds) {
		return strings.Join(unique(free), ", ")
	}
	phases := map[int][]mpDosage{}
	var order []int
	for _, d := range ds {
		if _, ok := phases[d.Sequence]; !ok {
			order = append(order, d.Sequence)
		}
		phases[d.Sequence] = append(phases[d.Sequence], d)
	}
	sort.Ints(order)
	var parts []string
	for i, seq := range order {
		text := phaseText(phases[seq])
		if len(order) > 1 {
			if i == 0 {
				text = joinWords("eerst", text)
			} else {
				text = joinWords("dan", text)
			}
		}
		if text != "" {
			parts = append(parts, text)
		}
	}
	schedule := strings.Join(parts, ", ")
	for _, d := range ds {
		if cycle == nil {
			// The cyclical schedule may also stand on a dosage instruction; a modifier is never ignored.
			cycle = cycleOf(d.ModifierExtension)
		}
	}
	if cycle != nil && cycle.Value != nil && schedule != "" {
		schedule = "cyclus van " + durationText(*cycle.Value, orDefault(cycle.Code, "d")) + ": steeds " + schedule
	}
	out := []string{}
	if schedule != "" {
		out = append(out, schedule)
	}
	var extra, routes []string
	for _, d := range ds {
		for i := range d.AdditionalInstruction {
			if t := conceptText(&d.AdditionalInstruction[i]); t != "" {
				extra = append(extra, t)
			}
		}
		if t := strings.TrimSpace(d.PatientInstruction); t != "" {
			extra = append(extra, t)
		}
		if t := conceptText(d.Route); t != "" {
			routes = append(routes, t)
		}
	}
	out = append(out, unique(extra)...)
	out = append(out, unique(routes)...)
	return strings.Join(out, ", ")
}

// phaseText writes the dosages of one phase: its duration once, then each parallel dosage.
func phaseText(ds []mpDosage) string {
	var bounds string
	var each []string
	for _, d := range ds {
		if rep := repeatOf(d); rep != nil && rep.BoundsDuration != nil && rep.BoundsDuration.Value != nil && bounds == "" {
			bounds = "gedurende " + durationText(*rep.BoundsDuration.Value, orDefault(rep.BoundsDuration.Code, rep.BoundsDuration.Unit))
		}
		if t := singleDosageText(d); t != "" {
			each = append(each, t)
		}
	}
	body := strings.Join(each, " en ")
	if body == "" && bounds != "" {
		// A phase that lasts but gives nothing is a pause in the schedule.
		body = "pauze"
	}
	return joinWords(bounds, body)
}

func repeatOf(d mpDosage) *mpRepeat {
	if d.Timing == nil {
		return nil
	}
	return d.Timing.Repeat
}

// singleDosageText writes one dosage instruction: as-needed, frequency or times, dose, part of the day,
// exactness and the maximum dose.
func singleDosageText(d mpDosage) string {
	var words []string
	if d.AsNeededCodeableConcept != nil {
		words = append(words, orDefault(conceptText(d.AsNeededCodeableConcept), "zo nodig"))
	} else if d.AsNeededBoolean != nil && *d.AsNeededBoolean {
		words = append(words, "zo nodig")
	}
	if x := d.Extension.find(extAsNeededFor); x != nil && x.ValueCodeableConcept != nil {
		words = append(words, conceptText(x.ValueCodeableConcept))
	}
	rep := repeatOf(d)
	exact := false
	if rep != nil {
		if x := rep.Extension.find(extTimingExact); x != nil && x.ValueBoolean != nil && *x.ValueBoolean {
			exact = true
		}
		if rep.Frequency > 0 {
			words = append(words, frequencyText(rep, exact))
		}
		if len(rep.DayOfWeek) > 0 {
			words = append(words, "op "+listText(daysText(rep.DayOfWeek)))
		}
		if len(rep.TimeOfDay) > 0 {
			prefix := "elke dag om "
			if len(rep.DayOfWeek) > 0 {
				prefix = "om "
			}
			words = append(words, prefix+listText(clockTimes(rep.TimeOfDay)))
		}
	} else if d.Timing != nil && d.Timing.Code != nil {
		words = append(words, conceptText(d.Timing.Code))
	}
	for _, dr := range d.DoseAndRate {
		if dr.DoseQuantity != nil {
			words = append(words, mpQuantityText(dr.DoseQuantity))
		} else if dr.DoseRange != nil {
			words = append(words, rangeText(dr.DoseRange))
		}
	}
	if rep != nil && len(rep.When) > 0 {
		var parts []string
		for _, w := range rep.When {
			parts = append(parts, orDefault(dayParts[w], strings.ToLower(w)))
		}
		words = append(words, listText(parts))
	}
	if exact && len(rep.TimeOfDay) > 0 {
		words = append(words, "- let op, exacte toedientijd(en)")
	}
	text := joinWords(words...)
	if m := d.MaxDosePerPeriod; m != nil && m.Numerator != nil {
		max := "maximaal " + mpQuantityText(m.Numerator)
		if m.Denominator != nil && m.Denominator.Value != nil {
			max += " per " + periodText(*m.Denominator.Value, orDefault(m.Denominator.Code, m.Denominator.Unit))
		}
		if text == "" {
			return max
		}
		text += ", " + max
	}
	return text
}

// frequencyText writes "3 maal per dag", "1 à 2 maal per dag", "2 maal per 3 dagen" or, for an exact
// interval, "exact iedere 8 uur".
func frequencyText(rep *mpRepeat, exact bool) string {
	if exact && rep.Frequency == 1 && rep.FrequencyMax == 0 && rep.Period > 0 {
		return "exact iedere " + periodText(rep.Period, rep.PeriodUnit)
	}
	n := formatNumber(float64(rep.Frequency))
	if rep.FrequencyMax > rep.Frequency {
		n += " à " + formatNumber(float64(rep.FrequencyMax))
	}
	if rep.Period <= 0 {
		return n + " maal"
	}
	per := periodText(rep.Period, rep.PeriodUnit)
	if rep.PeriodMax > rep.Period {
		per = formatNumber(rep.Period) + " à " + periodText(rep.PeriodMax, rep.PeriodUnit)
	}
	return n + " maal per " + per
}

// periodText writes "dag" for one day and "3 dagen" for more.
func periodText(value float64, unit string) string {
	names, ok := timeUnits[unit]
	if !ok {
		return strings.TrimSpace(formatNumber(value) + " " + unit)
	}
	if value == 1 {
		return names[0]
	}
	return formatNumber(value) + " " + names[1]
}

// dayParts are the Dutch names of the FHIR EventTiming codes MP9 uses for a part of the day.
var dayParts = map[string]string{
	"MORN": "'s ochtends", "AFT": "'s middags", "EVE": "'s avonds", "NIGHT": "'s nachts",
	"HS": "voor het slapengaan", "WAKE": "na het opstaan", "C": "bij de maaltijd", "AC": "voor de maaltijd",
	"PC": "na de maaltijd",
}

var weekDays = map[string]string{
	"mon": "maandag", "tue": "dinsdag", "wed": "woensdag", "thu": "donderdag", "fri": "vrijdag",
	"sat": "zaterdag", "sun": "zondag",
}

func daysText(days []string) []string {
	out := make([]string, 0, len(days))
	for _, d := range days {
		out = append(out, orDefault(weekDays[d], d))
	}
	return out
}

// clockTimes writes FHIR times (08:00:00) as the clock reads them (08:00).
func clockTimes(ts []string) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		if len(t) == 8 && strings.HasSuffix(t, ":00") {
			t = t[:5]
		}
		out = append(out, t)
	}
	return out
}

// listText joins "a", "a en b", "a, b en c".
func listText(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " en " + items[len(items)-1]
}

func joinWords(words ...string) string {
	var out []string
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func unique(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		key := strings.ToLower(it)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, it)
	}
	return out
}

// gstandaardUnits are the G-Standaard units of use (table 902) and their plural.
var gstandaardUnits = map[string]string{
	"stuk": "stuks", "dosis": "doses", "druppel": "druppels", "pleister": "pleisters", "tablet": "tabletten",
	"capsule": "capsules", "zetpil": "zetpillen", "ampul": "ampullen", "flacon": "flacons", "sachet": "sachets",
	"inhalatie": "inhalaties", "verstuiving": "verstuivingen", "applicatie": "applicaties",
}

// mpQuantityText writes an amount as a Dutch instruction does: a unit of use from the G-Standaard
// translation (or the unit text) in singular or plural ("1 stuk", "5 stuks"), else the UCUM unit
// ("0.6 ml").
func mpQuantityText(q *mpQuantity) string {
	if q == nil || q.Value == nil {
		return ""
	}
	return formatNumber(*q.Value) + " " + unitText(q, *q.Value)
}

func unitText(q *mpQuantity, value float64) string {
	code := q.Code
	if code != "" && code != "1" && !strings.HasPrefix(code, "{") {
		return code
	}
	unit := strings.ToLower(strings.TrimSpace(q.Unit))
	if x := q.Extension.find(extPQTranslation); x != nil && x.ValueQuantity != nil && x.ValueQuantity.Unit != "" {
		unit = strings.ToLower(strings.TrimSpace(x.ValueQuantity.Unit))
	}
	singular := unit
	for s, p := range gstandaardUnits {
		if unit == p {
			singular = s
		}
	}
	if value == 1 {
		return singular
	}
	if p, ok := gstandaardUnits[singular]; ok {
		return p
	}
	return unit
}

// rangeText writes a dose range: "1 à 2 stuks".
func rangeText(r *mpRange) string {
	switch {
	case r.Low != nil && r.Low.Value != nil && r.High != nil && r.High.Value != nil:
		return formatNumber(*r.Low.Value) + " à " + formatNumber(*r.High.Value) + " " + unitText(r.High, *r.High.Value)
	case r.High != nil && r.High.Value != nil:
		return "maximaal " + mpQuantityText(r.High)
	case r.Low != nil && r.Low.Value != nil:
		return "minimaal " + mpQuantityText(r.Low)
	}
	return ""
}
