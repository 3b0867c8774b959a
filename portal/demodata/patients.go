package demodata

import (
	"time"

	"zorgverlenersportaal/portal/access"
)

// Practices and organisations of the test cards, by URA.
const (
	uraDeLinde   = "90000101" // Huisartsenpraktijk De Linde: gp card
	uraHetAnker  = "90000102" // Huisartsenpraktijk Het Anker: gp-other card
	uraApotheek  = "90000201" // Apotheek De Brug: pharmacist card
	uraAvondrood = "90000301" // Zorggroep Avondrood: elderly-care-physician card
	uraThuiszorg = "90000401" // Thuiszorg Dichtbij: nurse card
	uraOost      = "90000601" // Ziekenhuis Oost: specialist card
)

// Recipient categories, short.
const (
	catH  = access.Huisartsen
	catA  = access.Apotheken
	catMS = access.MedischSpecialisten
	catOG = access.OuderenGehandicaptenzorg
	catVT = access.VerplegingThuiszorg
)

// Drugs of the demo world (ATC codes; strength when the product has one).
var (
	metformine      = drug{"A10BA02", "Metformine 500 mg tablet", "500 mg"}
	gliclazide      = drug{"A10BB09", "Gliclazide 80 mg tablet", "80 mg"}
	dapagliflozine  = drug{"A10BK01", "Dapagliflozine 10 mg tablet", "10 mg"}
	insGlargine     = drug{"A10AE04", "Insuline glargine 100 E/ml injectievloeistof", ""}
	insAspart       = drug{"A10AB05", "Insuline aspart 100 E/ml injectievloeistof", ""}
	lisinopril      = drug{"C09AA03", "Lisinopril 10 mg tablet", "10 mg"}
	ramipril        = drug{"C09AA05", "Ramipril 5 mg capsule", "5 mg"}
	furosemide      = drug{"C03CA01", "Furosemide 40 mg tablet", "40 mg"}
	spironolacton   = drug{"C03DA01", "Spironolacton 25 mg tablet", "25 mg"}
	acenocoumarol   = drug{"B01AA07", "Acenocoumarol 1 mg tablet", "1 mg"}
	apixaban        = drug{"B01AF02", "Apixaban 5 mg tablet", "5 mg"}
	metoprolol      = drug{"C07AB02", "Metoprolol retard 50 mg tablet", "50 mg"}
	bisoprolol      = drug{"C07AB07", "Bisoprolol 5 mg tablet", "5 mg"}
	propranolol     = drug{"C07AA05", "Propranolol 40 mg tablet", "40 mg"}
	amlodipine      = drug{"C08CA01", "Amlodipine 5 mg tablet", "5 mg"}
	atorvastatine   = drug{"C10AA05", "Atorvastatine 40 mg tablet", "40 mg"}
	atorvastatine80 = drug{"C10AA05", "Atorvastatine 80 mg tablet", "80 mg"}
	ascal           = drug{"B01AC06", "Acetylsalicylzuur 80 mg tablet", "80 mg"}
	ticagrelor      = drug{"B01AC24", "Ticagrelor 90 mg tablet", "90 mg"}
	levo50          = drug{"H03AA01", "Levothyroxine 50 microgram tablet", "50 ug"}
	levo75          = drug{"H03AA01", "Levothyroxine 75 microgram tablet", "75 ug"}
	salbutamol      = drug{"R03AC02", "Salbutamol 100 microgram/dosis aerosol", ""}
	fluticason      = drug{"R03BA05", "Fluticason 125 microgram/dosis aerosol", ""}
	tiotropium      = drug{"R03BB04", "Tiotropium 2,5 microgram/dosis inhalatievloeistof", ""}
	budesoFormo     = drug{"R03AK07", "Budesonide/formoterol 200/6 microgram/dosis inhalatiepoeder", ""}
	prednisolon     = drug{"H02AB06", "Prednisolon 30 mg tablet", "30 mg"}
	paracetamol     = drug{"N02BE01", "Paracetamol 500 mg tablet", "500 mg"}
	ibuprofen       = drug{"M01AE01", "Ibuprofen 400 mg tablet", "400 mg"}
	oxycodon        = drug{"N02AA05", "Oxycodon 5 mg capsule", "5 mg"}
	amoxiClav       = drug{"J01CR02", "Amoxicilline/clavulaanzuur 500/125 mg tablet", ""}
	ferro           = drug{"B03AA02", "Ferrofumaraat 200 mg tablet", "200 mg"}
	mesalazine      = drug{"A07EC02", "Mesalazine 500 mg tablet", "500 mg"}
	azathioprine    = drug{"L04AX01", "Azathioprine 50 mg tablet", "50 mg"}
	sumatriptan     = drug{"N02CC01", "Sumatriptan 50 mg tablet", "50 mg"}
	topiramaat      = drug{"N03AX11", "Topiramaat 25 mg tablet", "25 mg"}
	levetiracetam   = drug{"N03AX14", "Levetiracetam 500 mg tablet", "500 mg"}
	rivastigmine    = drug{"N06DA03", "Rivastigmine 4,6 mg/24 uur pleister", ""}
	nadroparine     = drug{"B01AB06", "Nadroparine 2850 IE/0,3 ml injectievloeistof", ""}
	alendronaat     = drug{"M05BA04", "Alendroninezuur 70 mg tablet", "70 mg"}
	calciumD        = drug{"A12AX", "Calciumcarbonaat/colecalciferol 1,25 g/800 IE kauwtablet", ""}
	natrBicarb      = drug{"B05XA02", "Natriumwaterstofcarbonaat 1 g tablet", "1 g"}
	polystyreen     = drug{"V03AE01", "Calciumpolystyreensulfonaat poeder 15 g", "15 g"}
	diazepamRect    = drug{"N05BA01", "Diazepam 5 mg rectiole", "5 mg"}
	adrenaline      = drug{"C01CA24", "Adrenaline 300 microgram auto-injector", ""}
)

// patientChart is one demo patient: who, which bundle type carries the dossier, and what is in it.
type patientChart struct {
	person     person
	bundleType string
	build      func(c *chart)
}

// pharmacy is the pharmacy of record for most patients: Apotheek De Brug, held by its URA.
func pharmacy(sinceDays int) tie {
	return tie{kind: access.PharmacyOfRecord, org: uraApotheek, fromAgo: days(sinceDays)}
}

// patients is the demo population. Their stories are written so that each screen has something to
// show: see docs/fhir-import.md, "The demo data set".
var patients = []patientChart{
	{person{key: "hvdberg", bsn: "999993847", number: "4000101", given: []string{"Hendrik", "Jan"}, prefix: "van den", family: "Berg",
		sex: "male", years: 78, months: 4, days: 12, gp: uraDeLinde, gpDoctor: "gp"}, "", func(c *chart) {
		// Chronic kidney disease with a falling eGFR, admitted now with hyperkalaemia.
		c.condition("431857002", "Chronische nierschade stadium 4", 900, 0)
		c.condition("44054006", "Diabetes mellitus type 2", 4000, 0)
		c.condition("38341003", "Hypertensie", 5000, 0)
		c.condition("14140009", "Hyperkaliëmie", 3, 0)
		c.labs(testEGFR, point{360, 41}, point{270, 37}, point{180, 33}, point{120, 29}, point{60, 26}, point{21, 23}, point{1, 20})
		c.labs(testCreat, point{360, 148}, point{270, 162}, point{180, 175}, point{120, 198}, point{60, 215}, point{21, 238}, point{1, 271})
		c.labs(testPotassium, point{360, 4.8}, point{180, 5.1}, point{60, 5.4}, point{21, 5.6}, point{1, 5.5})
		c.labs(testHbM, point{360, 8.1}, point{180, 7.8}, point{60, 7.4}, point{1, 7.2})
		c.labs(testHbA1c, point{360, 56}, point{180, 58}, point{60, 54})
		var panel []string
		panel = append(panel, c.labs(testCreat, point{3, 296})...)
		panel = append(panel, c.labs(testEGFR, point{3, 18})...)
		panel = append(panel, c.labs(testPotassium, point{3, 6.4})...)
		panel = append(panel, c.labs(testSodium, point{3, 134})...)
		panel = append(panel, c.labs(testGlucose, point{3, 9.8})...)
		c.labPanel("Nierfunctie en elektrolyten (SEH)", 3, panel...)
		c.vitals(120, 150, 85, 72, 84.0)
		c.vitals(3, 168, 92, 88, 81.5)
		c.vitals(1, 142, 80, 76, 0)
		c.medication(med{drug: metformine, dose: "2x daags 1 tablet", route: "oraal", reason: "Diabetes mellitus type 2", prescriber: "gp", startAgo: 3000, stopAgo: 120, stopReason: "Gestopt wegens verminderde nierfunctie (eGFR < 30)"})
		c.medication(med{drug: insGlargine, dose: "1x daags 14 E om 22:00", route: "subcutaan", reason: "Diabetes mellitus type 2", prescriber: "internist", startAgo: 118, request: true})
		c.medication(med{drug: lisinopril, dose: "1x daags 1 tablet", route: "oraal", reason: "Hypertensie", prescriber: "nefroloog", startAgo: 2000, stopAgo: 3, stopReason: "Hyperkaliëmie (kalium 6,4 mmol/l)"})
		c.medication(med{drug: furosemide, dose: "1x daags 1 tablet", route: "oraal", prescriber: "nefroloog", startAgo: 2, request: true})
		c.medication(med{drug: natrBicarb, dose: "2x daags 1 tablet", route: "oraal", reason: "Metabole acidose", prescriber: "nefroloog", startAgo: 60})
		c.medication(med{drug: polystyreen, dose: "3x daags 15 g", route: "oraal", reason: "Hyperkaliëmie", prescriber: "internist", startAgo: 3, request: true, contained: true})
		c.medication(med{drug: atorvastatine, dose: "1x daags 1 tablet", route: "oraal", prescriber: "gp", startAgo: 3000})
		c.allergy("91936005", "Allergie voor penicilline", "medication", "high", "Urticaria en angio-oedeem", 2500)
		c.encounter(visit{class: "AMB", department: "Nefrologie", reason: "Controle nierfunctie", doctor: "nefroloog", startAgo: 360})
		c.encounter(visit{class: "AMB", department: "Nefrologie", reason: "Controle nierfunctie", doctor: "nefroloog", startAgo: 180})
		c.encounter(visit{class: "AMB", department: "Nefrologie", reason: "Voorlichting nierfunctievervangende therapie", doctor: "nefroloog", startAgo: 60})
		c.encounter(visit{class: "IMP", department: "Interne geneeskunde", reason: "Hyperkaliëmie bij chronische nierschade", doctor: "internist", startAgo: 3, endAgo: -1, hh: 2})
		c.report(reportSpec{category: "EC", loinc: "11524-6", title: "ECG", doctor: "cardioloog", daysAgo: 3,
			conclusion: "Sinusritme 88/min, hoge spitse T-golven passend bij hyperkaliëmie.",
			docs:       []document{{contentType: "text/plain", title: "ECG SEH", lines: []string{"Ritme: sinusritme, 88/min.", "PR 180 ms, QRS 104 ms, QTc 440 ms.", "Hoge spitse T-golven in V2-V4.", "Conclusie: passend bij hyperkaliëmie."}}}})
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Polikliniekbrief nefrologie", doctor: "nefroloog", daysAgo: 60,
			docs: []document{{contentType: "text/plain", title: "Polikliniekbrief nefrologie", lines: []string{
				"Geachte collega,", "", "Uw patiënt bezocht vandaag de polikliniek nefrologie.",
				"De nierfunctie daalt geleidelijk (eGFR 26 ml/min/1,73m²). Wij hebben voorlichting gegeven over nierfunctievervangende therapie.",
				"Beleid: natriumbicarbonaat gestart; controle over 3 maanden.", "", "Met collegiale groet,", "E. Wolters, internist-nefroloog"}}}})
		c.limit("Niet reanimeren", "89666000", 3, false)
		c.careTeam("", pharmacy(1800),
			tie{kind: access.Invited, doctor: "gp", fromAgo: days(2), untilAgo: durPtr(-days(88)), reason: "Uitgenodigd door de internist om mee te kijken tijdens de opname"})
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 400, allCategories...)
	}},

	{person{key: "mdjong", bsn: "999993653", number: "4000102", given: []string{"Maria", "Johanna"}, prefix: "de", family: "Jong",
		sex: "female", years: 84, months: 1, days: 3, gp: uraDeLinde}, "", func(c *chart) {
		// Heart failure and atrial fibrillation on acenocoumarol; discharged four days ago.
		c.condition("84114007", "Hartfalen", 1200, 0)
		c.condition("49436004", "Atriumfibrilleren", 2000, 0)
		c.condition("38341003", "Hypertensie", 4000, 0)
		c.labs(testINR, point{180, 2.4}, point{150, 3.6}, point{120, 2.8}, point{90, 1.7}, point{60, 2.2}, point{30, 4.1}, point{10, 3.2}, point{7, 2.6}, point{4, 2.3})
		c.labs(testNTproBNP, point{90, 1450}, point{10, 4850}, point{4, 2100})
		c.labs(testCreatF, point{90, 96}, point{10, 118}, point{4, 104})
		c.labs(testEGFR, point{90, 49}, point{10, 38}, point{4, 44})
		c.labs(testPotassium, point{10, 4.1}, point{4, 3.4})
		c.labs(testSodium, point{10, 131}, point{4, 135})
		c.vitals(10, 158, 88, 112, 71.2)
		c.vitals(7, 132, 74, 84, 68.9)
		c.vitals(4, 124, 70, 72, 67.4)
		c.medication(med{drug: acenocoumarol, dose: "Volgens doseerschema trombosedienst", route: "oraal", reason: "Atriumfibrilleren", prescriber: "cardioloog", startAgo: 2000})
		c.medication(med{drug: metoprolol, dose: "1x daags 1 tablet", route: "oraal", reason: "Atriumfibrilleren", prescriber: "cardioloog", startAgo: 2000})
		c.medication(med{drug: furosemide, dose: "1x daags 1 tablet", route: "oraal", reason: "Hartfalen", prescriber: "cardioloog", startAgo: 1200, stopAgo: 10, stopReason: "Dosis verhoogd: vervangen door 2x daags 40 mg"})
		c.medication(med{drug: furosemide, dose: "2x daags 1 tablet", route: "oraal", reason: "Hartfalen", prescriber: "cardioloog", startAgo: 10, request: true})
		c.medication(med{drug: spironolacton, dose: "1x daags 1 tablet", route: "oraal", reason: "Hartfalen", prescriber: "cardioloog", startAgo: 6, request: true})
		c.medication(med{drug: paracetamol, dose: "Zo nodig max. 3x daags 2 tabletten", route: "oraal", prescriber: "gp", startAgo: 800})
		c.noKnownAllergies(10)
		c.encounter(visit{class: "AMB", department: "Cardiologie", reason: "Controle hartfalen", doctor: "cardioloog", startAgo: 90})
		c.encounter(visit{class: "IMP", department: "Cardiologie", reason: "Decompensatio cordis", doctor: "cardioloog", startAgo: 10, endAgo: 4, discharge: "Naar huis met thuiszorg"})
		c.appointment("Poliklinische controle na opname", "Cardiologie", "cardioloog", -10, "booked")
		c.imaging("CR", "Computed Radiography", "X-thorax staand", "Thorax", 10, 2)
		c.report(reportSpec{category: "RAD", loinc: "18748-4", title: "X-thorax", doctor: "radioloog", daysAgo: 10,
			conclusion: "Cardiomegalie met tekenen van overvulling; pleuravocht beiderzijds.",
			docs:       []document{{contentType: "text/plain", title: "X-thorax", lines: []string{"Vergeleken met vorig onderzoek toegenomen hartgrootte.", "Kerley B-lijnen, pleuravocht beiderzijds.", "Conclusie: beeld van decompensatio cordis."}}}})
		discharge := []string{
			"Opname: " + c.at(10, 0, 0).Format("2-1-2006") + " tot " + c.at(4, 0, 0).Format("2-1-2006") + ", afdeling Cardiologie.",
			"Reden van opname: decompensatio cordis bij atriumfibrilleren.",
			"Beloop: goed herstel op intraveneuze diuretica; 3,8 kg gewichtsverlies.",
			"Medicatiewijzigingen: furosemide verhoogd naar 2x daags 40 mg; spironolacton 25 mg gestart.",
			"INR bij ontslag 2,3; acenocoumarol volgens trombosedienst.",
			"Beleid: dagelijks wegen, bij > 2 kg toename in 3 dagen contact met huisarts.",
			"Controle polikliniek cardiologie over 2 weken.",
		}
		c.letter(letterSpec{loinc: "18842-5", typeName: "Ontslagbrief", title: "Ontslagbrief cardiologie", doctor: "cardioloog", daysAgo: 4,
			docs: []document{{contentType: "application/pdf", title: "Ontslagbrief cardiologie", lines: discharge}, {contentType: "text/plain", title: "Ontslagbrief cardiologie (tekst)", lines: discharge}}})
		c.careTeam("Ontslag na opname cardiologie",
			tie{kind: access.PharmacyOfRecord, doctor: "pharmacist", fromAgo: days(1000)},
			tie{kind: access.DischargeRecipient, doctor: "elderly-care-physician", fromAgo: days(4), untilAgo: durPtr(-days(86)), reason: "Ontvanger ontslagbrief"},
			tie{kind: access.Invited, doctor: "nurse", fromAgo: days(4), untilAgo: durPtr(-days(60)), reason: "Uitgenodigd voor thuiszorg na ontslag"})
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 800, catH, catA, catOG, catVT)
		c.consent(access.ConsentRefused, access.ByPatient, access.ChannelDesk, 800, catMS)
	}},

	{person{key: "pjanssen", bsn: "999990482", number: "4000103", given: []string{"Pieter"}, family: "Janssen",
		sex: "male", years: 61, months: 7, days: 20, gp: uraDeLinde}, "", func(c *chart) {
		// Type 2 diabetes with an HbA1c that slowly comes down; a new hip five months ago.
		c.condition("44054006", "Diabetes mellitus type 2", 2500, 0)
		c.condition("239872002", "Artrose van de heup rechts", 700, 150)
		c.condition("38341003", "Hypertensie", 3000, 0)
		c.labs(testHbA1c, point{540, 71}, point{450, 66}, point{360, 62}, point{270, 58}, point{180, 55}, point{90, 52}, point{14, 49})
		c.labs(testGlucose, point{180, 10.4}, point{90, 8.9}, point{14, 7.6})
		c.labs(testCreat, point{180, 84}, point{14, 88})
		c.labs(testEGFR, point{180, 86}, point{14, 82})
		c.labs(testALAT, point{14, 38})
		c.vitals(180, 146, 88, 78, 96.0)
		c.vitals(14, 134, 82, 70, 91.5)
		c.medication(med{drug: metformine, dose: "3x daags 1 tablet", route: "oraal", reason: "Diabetes mellitus type 2", prescriber: "gp", startAgo: 2500})
		c.medication(med{drug: gliclazide, dose: "1x daags 1 tablet", route: "oraal", reason: "Diabetes mellitus type 2", prescriber: "internist", startAgo: 540, stopAgo: 180, stopReason: "Hypoglykemieën"})
		c.medication(med{drug: dapagliflozine, dose: "1x daags 1 tablet", route: "oraal", reason: "Diabetes mellitus type 2", prescriber: "internist", startAgo: 180, request: true})
		c.medication(med{drug: amlodipine, dose: "1x daags 1 tablet", route: "oraal", reason: "Hypertensie", prescriber: "gp", startAgo: 3000})
		c.imaging("DX", "Digital Radiography", "X-bekken en heup rechts", "Heup rechts", 200, 2)
		c.report(reportSpec{category: "RAD", loinc: "18748-4", title: "X-heup rechts", doctor: "radioloog", daysAgo: 200,
			conclusion: "Gevorderde coxartrose rechts met gewrichtsspleetversmalling en osteofyten.",
			docs:       []document{{contentType: "text/plain", title: "X-heup rechts", lines: []string{"Forse gewrichtsspleetversmalling heup rechts, subchondrale sclerose en osteofyten.", "Conclusie: gevorderde coxartrose rechts."}}}})
		op := c.encounter(visit{class: "IMP", department: "Orthopedie", reason: "Totale heupprothese rechts", doctor: "orthopeed", startAgo: 151, endAgo: 147, discharge: "Naar huis"})
		c.procedure("52734007", "Totale heupprothese rechts", "orthopeed", 150, op)
		c.imaging("DX", "Digital Radiography", "X-heup rechts postoperatief", "Heup rechts", 149, 2)
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Poliklinische controle orthopedie", doctor: "orthopeed", daysAgo: 140,
			docs: []document{{contentType: "text/html", title: "Poliklinische controle orthopedie", lines: []string{"Zes weken na de totale heupprothese rechts gaat het goed.", "Wond rustig, loopt zonder hulpmiddel.", "<strong>Beleid:</strong> vrij belasten, controle na 1 jaar."}}}})
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Diabetescontrole interne geneeskunde", doctor: "internist", daysAgo: 14,
			docs: []document{{contentType: "text/plain", title: "Diabetescontrole", lines: []string{"HbA1c 49 mmol/mol: doel bereikt.", "Dapagliflozine wordt goed verdragen.", "Beleid: ongewijzigd, controle over 3 maanden."}}}})
		c.encounter(visit{class: "AMB", department: "Interne geneeskunde", reason: "Diabetescontrole", doctor: "internist", startAgo: 14})
		c.appointment("Diabetescontrole", "Interne geneeskunde", "internist", -14, "booked")
		c.careTeam("Verwezen door de internist van Ziekenhuis Oost voor diabetesbehandeling",
			tie{kind: access.Referrer, doctor: "specialist", fromAgo: days(240), untilAgo: durPtr(-days(120))},
			pharmacy(2000))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelPatientPortal, 300, catH, catA, catMS)
	}},

	{person{key: "sdmeer", bsn: "999995017", number: "4000104", given: []string{"Sophie"}, prefix: "van der", family: "Meer",
		sex: "female", years: 8, months: 2, days: 5, gp: uraDeLinde}, "", func(c *chart) {
		// A child under 12: asthma; her parents decide on consent.
		c.condition("195967001", "Astma", 1500, 0)
		c.noKnownAllergies(400)
		c.medication(med{drug: salbutamol, dose: "Zo nodig 2 pufjes via voorzetkamer", route: "inhalatie", reason: "Astma", prescriber: "kinderarts", startAgo: 1500})
		c.medication(med{drug: fluticason, dose: "2x daags 1 pufje via voorzetkamer", route: "inhalatie", reason: "Astma", prescriber: "kinderarts", startAgo: 400})
		c.encounter(visit{class: "AMB", department: "Kindergeneeskunde", reason: "Astmacontrole", doctor: "kinderarts", startAgo: 200})
		c.encounter(visit{class: "AMB", department: "Kindergeneeskunde", reason: "Longfunctieonderzoek", doctor: "kinderarts", startAgo: 30})
		c.report(reportSpec{category: "PF", loinc: "81459-0", title: "Spirometrie", doctor: "kinderarts", daysAgo: 30,
			conclusion: "Lichte obstructie met significante reversibiliteit (14%).",
			docs:       []document{{contentType: "text/plain", title: "Spirometrie", lines: []string{"FEV1 1,42 l (82% van voorspeld), FVC 1,71 l (95%).", "Na salbutamol: FEV1 +14%.", "Conclusie: astma, redelijk onder controle."}}}})
		c.appointment("Astmacontrole", "Kindergeneeskunde", "kinderarts", -60, "booked")
		c.careTeam("", pharmacy(1500))
		c.consent(access.ConsentGranted, access.ByRepresentative, access.ChannelDesk, 365, catH, catA)
	}},

	{person{key: "ddgraaf", bsn: "999994669", number: "4000105", given: []string{"Daan"}, prefix: "de", family: "Graaf",
		sex: "male", years: 14, months: 6, days: 2, gp: uraDeLinde}, "", func(c *chart) {
		// Twelve to fifteen: he and a parent decided together. Appendectomy two months ago.
		c.condition("85189001", "Acute appendicitis", 60, 45)
		c.noKnownAllergies(60)
		c.labs(testCRP, point{60, 86}, point{58, 41}, point{57, 18})
		c.labs(testLeuko, point{60, 15.8}, point{58, 11.2}, point{57, 8.9})
		c.encounter(visit{class: "EMER", department: "Spoedeisende hulp", reason: "Buikpijn rechtsonder", doctor: "chirurg", startAgo: 60, hh: 18})
		adm := c.encounter(visit{class: "IMP", department: "Heelkunde", reason: "Acute appendicitis", doctor: "chirurg", startAgo: 60, endAgo: 57, discharge: "Naar huis", hh: 21})
		c.procedure("80146002", "Laparoscopische appendectomie", "chirurg", 59, adm)
		c.report(reportSpec{category: "SP", loinc: "11529-5", title: "Pathologie appendix", doctor: "patholoog", daysAgo: 55,
			conclusion: "Acute flegmoneuze appendicitis, geen aanwijzingen voor maligniteit.",
			docs:       []document{{contentType: "text/plain", title: "Pathologie appendix", lines: []string{"Macroscopie: appendix van 6,5 cm met fibrinebeslag.", "Microscopie: transmurale ontsteking met granulocyten.", "Conclusie: acute flegmoneuze appendicitis."}}}})
		c.medication(med{drug: amoxiClav, dose: "3x daags 1 tablet", route: "oraal", reason: "Na appendectomie", prescriber: "chirurg", startAgo: 57, stopAgo: 52})
		c.medication(med{drug: paracetamol, dose: "4x daags 1 tablet", route: "oraal", prescriber: "chirurg", startAgo: 57, stopAgo: 50})
		c.letter(letterSpec{loinc: "18842-5", typeName: "Ontslagbrief", title: "Ontslagbrief heelkunde", doctor: "chirurg", daysAgo: 57,
			docs: []document{{contentType: "text/plain", title: "Ontslagbrief heelkunde", lines: []string{"Opname wegens acute appendicitis.", "Laparoscopische appendectomie, ongecompliceerd beloop.", "Antibiotica oraal tot 5 dagen na operatie.", "Geen controle nodig; bij koorts of toenemende pijn contact opnemen."}}}})
		c.careTeam("", pharmacy(400))
		c.consent(access.ConsentGranted, access.ByBoth, access.ChannelDesk, 365, catH, catA)
	}},

	{person{key: "lthorst", bsn: "999992806", number: "4000106", given: []string{"Lotte"}, prefix: "ter", family: "Horst",
		sex: "female", years: 17, months: 2, days: 9, gp: uraDeLinde}, "", func(c *chart) {
		// Sixteen or older: she decides alone; she allows her GP but refused pharmacies.
		c.condition("34000006", "Ziekte van Crohn", 700, 0)
		c.allergy("267425008", "Lactose-intolerantie", "food", "low", "Buikpijn en diarree", 650)
		c.labs(testCRP, point{300, 48}, point{200, 22}, point{100, 12}, point{30, 6})
		c.labs(testHbF, point{300, 6.8}, point{200, 7.1}, point{100, 7.4}, point{30, 7.9})
		c.labs(testFerritin, point{300, 9}, point{100, 14}, point{30, 28})
		c.medication(med{drug: mesalazine, dose: "3x daags 2 tabletten", route: "oraal", reason: "Ziekte van Crohn", prescriber: "mdl", startAgo: 680, stopAgo: 300, stopReason: "Onvoldoende effect"})
		c.medication(med{drug: prednisolon, dose: "Afbouwschema", route: "oraal", reason: "Opvlamming ziekte van Crohn", prescriber: "mdl", startAgo: 300, stopAgo: 220})
		c.medication(med{drug: azathioprine, dose: "1x daags 2 tabletten", route: "oraal", reason: "Ziekte van Crohn", prescriber: "mdl", startAgo: 220, request: true})
		c.medication(med{drug: ferro, dose: "1x daags 1 tablet", route: "oraal", reason: "IJzergebrek", prescriber: "mdl", startAgo: 300, stopAgo: 100})
		for _, d := range []int{300, 200, 100, 30} {
			c.encounter(visit{class: "AMB", department: "Maag-, darm- en leverziekten", reason: "Controle ziekte van Crohn", doctor: "mdl", startAgo: d})
		}
		c.appointment("Controle ziekte van Crohn", "Maag-, darm- en leverziekten", "mdl", -30, "booked")
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelPatientPortal, 180, catH)
		c.consent(access.ConsentRefused, access.ByPatient, access.ChannelPatientPortal, 180, catA)
	}},

	{person{key: "nvleeuwen", bsn: "999990408", number: "4000107", given: []string{"Noah"}, prefix: "van", family: "Leeuwen",
		sex: "male", years: 12, months: 3, days: 1, gp: uraDeLinde}, "", func(c *chart) {
		// Turned twelve: the consent his parents gave alone at nine has lapsed.
		c.condition("46635009", "Diabetes mellitus type 1", 1200, 0)
		c.labs(testHbA1c, point{360, 68}, point{270, 63}, point{180, 60}, point{90, 57}, point{20, 55})
		c.labs(testGlucose, point{90, 11.2}, point{20, 8.4})
		c.medication(med{drug: insAspart, dose: "Volgens schema bij de maaltijden", route: "subcutaan", reason: "Diabetes mellitus type 1", prescriber: "kinderarts", startAgo: 1200})
		c.medication(med{drug: insGlargine, dose: "1x daags 12 E", route: "subcutaan", reason: "Diabetes mellitus type 1", prescriber: "kinderarts", startAgo: 1200})
		for _, d := range []int{270, 180, 90, 20} {
			c.encounter(visit{class: "AMB", department: "Kindergeneeskunde", reason: "Diabetescontrole", doctor: "kinderarts", startAgo: d})
		}
		c.appointment("Diabetescontrole", "Kindergeneeskunde", "kinderarts", -70, "booked")
		c.careTeam("", pharmacy(1200))
		c.consent(access.ConsentGranted, access.ByRepresentative, access.ChannelDesk, 1100, catH, catA)
	}},

	{person{key: "gbos", bsn: "999992077", number: "4000108", given: []string{"Gerrit"}, family: "Bos",
		sex: "male", years: 86, months: 9, days: 0, deceasedDaysAgo: 60, gp: uraDeLinde}, "", func(c *chart) {
		// Deceased two months ago after an admission for pneumonia.
		c.condition("84114007", "Hartfalen", 1500, 0)
		c.condition("399068003", "Prostaatcarcinoom", 2200, 0)
		c.condition("233604007", "Pneumonie", 75, 0)
		c.labs(testCRP, point{75, 180}, point{70, 120}, point{65, 95})
		c.labs(testCreat, point{75, 142}, point{65, 188})
		c.encounter(visit{class: "IMP", department: "Interne geneeskunde", reason: "Hartfalen", doctor: "internist", startAgo: 500, endAgo: 492, discharge: "Naar huis"})
		c.encounter(visit{class: "IMP", department: "Interne geneeskunde", reason: "Pneumonie", doctor: "internist", startAgo: 75, endAgo: 60, discharge: "Overleden"})
		c.medication(med{drug: furosemide, dose: "1x daags 1 tablet", route: "oraal", reason: "Hartfalen", prescriber: "internist", startAgo: 1500, stopAgo: 60, stopReason: "Overleden"})
		c.limit("Niet reanimeren", "304253006", 74, true)
		c.limit("Geen IC-opname", "", 74, true)
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Bericht van overlijden", doctor: "internist", daysAgo: 60,
			docs: []document{{contentType: "text/plain", title: "Bericht van overlijden", lines: []string{"Geachte collega,", "Helaas moeten wij u berichten dat uw patiënt op de afdeling is overleden aan de gevolgen van een pneumonie.", "Conform zijn wens is er geen behandeling op de intensive care ingezet."}}}})
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 900, catH)
	}},

	{person{key: "ikramer", bsn: "999993926", number: "4000109", given: []string{"Ingrid"}, family: "Kramer",
		sex: "female", years: 55, months: 0, days: 14, gp: uraDeLinde}, "", func(c *chart) {
		// She withdrew every consent two months ago.
		c.condition("37796009", "Migraine", 3000, 0)
		c.allergy("", "Allergie voor jodiumhoudend contrastmiddel", "medication", "high", "Benauwdheid", 1500)
		c.medication(med{drug: sumatriptan, dose: "Zo nodig 1 tablet, max. 2 per dag", route: "oraal", reason: "Migraine", prescriber: "neuroloog", startAgo: 700})
		c.medication(med{drug: propranolol, dose: "2x daags 1 tablet", route: "oraal", reason: "Migraineprofylaxe", prescriber: "neuroloog", startAgo: 700, stopAgo: 200, stopReason: "Vermoeidheid en somberheid"})
		c.medication(med{drug: topiramaat, dose: "2x daags 1 tablet", route: "oraal", reason: "Migraineprofylaxe", prescriber: "neuroloog", startAgo: 200, request: true})
		for _, d := range []int{700, 200, 30} {
			c.encounter(visit{class: "AMB", department: "Neurologie", reason: "Migraine", doctor: "neuroloog", startAgo: d})
		}
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Polikliniekbrief neurologie", doctor: "neuroloog", daysAgo: 30,
			docs: []document{{contentType: "text/plain", title: "Polikliniekbrief neurologie", lines: []string{"Aanvalsfrequentie gedaald van 8 naar 3 per maand op topiramaat.", "Beleid: continueren, controle over een half jaar."}}}})
		c.careTeam("", pharmacy(700))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 1100, allCategories...)
		c.consent(access.ConsentWithdrawn, access.ByPatient, access.ChannelPatientPortal, 60, allCategories...)
	}},

	{person{key: "wdwit", bsn: "999991905", number: "4000110", given: []string{"Willem"}, prefix: "de", family: "Wit",
		sex: "male", years: 70, months: 5, days: 8, gp: uraDeLinde}, "", func(c *chart) {
		// He refused sharing with every category.
		c.condition("13645005", "COPD", 2000, 0)
		c.medication(med{drug: tiotropium, dose: "1x daags 2 inhalaties", route: "inhalatie", reason: "COPD", prescriber: "longarts", startAgo: 1500})
		c.medication(med{drug: salbutamol, dose: "Zo nodig 2 inhalaties", route: "inhalatie", reason: "COPD", prescriber: "longarts", startAgo: 2000})
		c.encounter(visit{class: "AMB", department: "Longziekten", reason: "COPD-controle", doctor: "longarts", startAgo: 400})
		c.encounter(visit{class: "AMB", department: "Longziekten", reason: "COPD-controle", doctor: "longarts", startAgo: 30})
		c.report(reportSpec{category: "PF", loinc: "81459-0", title: "Spirometrie", doctor: "longarts", daysAgo: 400,
			conclusion: "Matig ernstige obstructie, geen reversibiliteit.",
			docs:       []document{{contentType: "text/plain", title: "Spirometrie", lines: []string{"FEV1 1,9 l (61% van voorspeld), FEV1/FVC 0,58.", "Conclusie: COPD GOLD 2."}}}})
		c.consent(access.ConsentRefused, access.ByPatient, access.ChannelDesk, 500, allCategories...)
	}},

	{person{key: "felamrani", bsn: "999993550", number: "4000111", given: []string{"Fatima"}, family: "El Amrani",
		sex: "female", years: 42, months: 3, days: 22, gp: uraDeLinde}, "", func(c *chart) {
		// Nobody asked her about consent yet: no record means no.
		c.condition("87522002", "IJzergebreksanemie", 150, 0)
		c.noKnownAllergies(150)
		c.labs(testHbF, point{150, 6.1}, point{120, 6.6}, point{90, 7.2}, point{60, 7.7}, point{30, 8.1})
		c.labs(testFerritin, point{150, 4}, point{90, 9}, point{30, 21})
		c.labs(testThrombo, point{150, 455}, point{30, 320})
		c.medication(med{drug: ferro, dose: "1x daags 1 tablet", route: "oraal", reason: "IJzergebreksanemie", prescriber: "internist", startAgo: 150, stopAgo: 30})
		c.encounter(visit{class: "AMB", department: "Interne geneeskunde", reason: "Anemie", doctor: "internist", startAgo: 150})
		c.encounter(visit{class: "AMB", department: "Interne geneeskunde", reason: "Anemie", doctor: "internist", startAgo: 30})
		c.careTeam("", pharmacy(150))
	}},

	{person{key: "jvbeek", bsn: "999990421", number: "4000112", given: []string{"Johannes"}, prefix: "van", family: "Beek",
		sex: "male", years: 66, months: 1, days: 17, gp: uraDeLinde}, "", func(c *chart) {
		// High potassium after spironolactone; Het Anker covers for De Linde this fortnight.
		c.condition("38341003", "Hypertensie", 3500, 0)
		c.condition("14140009", "Hyperkaliëmie", 20, 0)
		c.labs(testPotassium, point{200, 4.9}, point{100, 5.3}, point{40, 5.7}, point{20, 6.1}, point{10, 5.2}, point{2, 4.8})
		c.labs(testCreat, point{100, 105}, point{20, 121}, point{2, 112})
		c.labs(testEGFR, point{100, 63}, point{20, 54}, point{2, 58})
		c.medication(med{drug: spironolacton, dose: "1x daags 1 tablet", route: "oraal", reason: "Therapieresistente hypertensie", prescriber: "internist", startAgo: 400, stopAgo: 20, stopReason: "Hyperkaliëmie"})
		c.medication(med{drug: ramipril, dose: "1x daags 1 capsule", route: "oraal", reason: "Hypertensie", prescriber: "gp", startAgo: 3000})
		c.medication(med{drug: amlodipine, dose: "1x daags 1 tablet", route: "oraal", reason: "Hypertensie", prescriber: "internist", startAgo: 20, request: true})
		c.encounter(visit{class: "AMB", department: "Interne geneeskunde", reason: "Hyperkaliëmie", doctor: "internist", startAgo: 20})
		c.encounter(visit{class: "AMB", department: "Interne geneeskunde", reason: "Controle kalium", doctor: "internist", startAgo: 10})
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Polikliniekbrief interne geneeskunde", doctor: "internist", daysAgo: 10,
			docs: []document{{contentType: "text/plain", title: "Polikliniekbrief", lines: []string{"Kalium na staken van spironolacton gedaald naar 5,2 mmol/l.", "Amlodipine gestart. Graag kaliumcontrole over 4 weken via de huisarts."}}}})
		c.careTeam("Waarneming tijdens de vakantie van Huisartsenpraktijk De Linde",
			tie{kind: access.Covering, org: uraHetAnker, mandate: uraDeLinde, fromAgo: days(2), untilAgo: durPtr(-days(12))},
			pharmacy(3000))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 700, catH, catA)
	}},

	{person{key: "adijkstra", bsn: "999911120", number: "4000113", given: []string{"Annelies"}, family: "Dijkstra",
		sex: "female", years: 48, months: 8, days: 2, gp: uraDeLinde}, "", func(c *chart) {
		// Brought into the emergency room of Ziekenhuis Oost: an emergency relationship for 24 hours.
		c.condition("84757009", "Epilepsie", 3000, 0)
		c.medication(med{drug: levetiracetam, dose: "2x daags 1 tablet", route: "oraal", reason: "Epilepsie", prescriber: "neuroloog", startAgo: 3000})
		c.encounter(visit{class: "AMB", department: "Neurologie", reason: "Epilepsie", doctor: "neuroloog", startAgo: 180})
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Polikliniekbrief neurologie", doctor: "neuroloog", daysAgo: 180,
			docs: []document{{contentType: "text/plain", title: "Polikliniekbrief neurologie", lines: []string{"Al twee jaar aanvalsvrij op levetiracetam 2x 500 mg.", "Beleid: ongewijzigd."}}}})
		c.careTeam("Noodtoegang: patiënte bewusteloos op de SEH van Ziekenhuis Oost na een insult",
			tie{kind: access.Emergency, doctor: "specialist", fromAgo: 3 * time.Hour, untilAgo: durPtr(-21 * time.Hour)})
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 600, catH, catMS, catA)
		c.consent(access.ConsentWithdrawn, access.ByPatient, access.ChannelDesk, 100, catA)
	}},

	{person{key: "kbrouwer", bsn: "999990019", number: "4000114", given: []string{"Kees"}, family: "Brouwer",
		sex: "male", years: 80, months: 6, days: 6, gp: uraDeLinde}, "", func(c *chart) {
		// The home-care nurse's invitation expired ten days ago.
		c.condition("84114007", "Hartfalen", 500, 0)
		c.condition("49436004", "Atriumfibrilleren", 900, 0)
		c.labs(testNTproBNP, point{130, 3950}, point{120, 1850}, point{60, 1200}, point{15, 980})
		c.labs(testCreat, point{130, 139}, point{60, 131}, point{15, 126})
		c.labs(testPotassium, point{130, 3.3}, point{60, 4.4}, point{15, 4.6})
		c.medication(med{drug: bisoprolol, dose: "1x daags 1 tablet", route: "oraal", reason: "Atriumfibrilleren", prescriber: "cardioloog", startAgo: 900})
		c.medication(med{drug: apixaban, dose: "2x daags 1 tablet", route: "oraal", reason: "Atriumfibrilleren", prescriber: "cardioloog", startAgo: 900})
		c.medication(med{drug: furosemide, dose: "1x daags 1 tablet", route: "oraal", reason: "Hartfalen", prescriber: "cardioloog", startAgo: 130})
		c.encounter(visit{class: "IMP", department: "Cardiologie", reason: "Decompensatio cordis", doctor: "cardioloog", startAgo: 130, endAgo: 121, discharge: "Naar huis met thuiszorg"})
		c.encounter(visit{class: "AMB", department: "Cardiologie", reason: "Controle hartfalen", doctor: "cardioloog", startAgo: 60})
		c.encounter(visit{class: "AMB", department: "Cardiologie", reason: "Controle hartfalen", doctor: "cardioloog", startAgo: 15})
		c.letter(letterSpec{loinc: "68609-7", typeName: "Ontslagbrief", title: "Ontslagbrief cardiologie", doctor: "cardioloog", daysAgo: 121,
			docs: []document{{contentType: "text/plain", title: "Ontslagbrief cardiologie", lines: []string{"Opname wegens decompensatio cordis.", "Furosemide gestart, 5 kg gewichtsverlies.", "Thuiszorg geregeld voor dagelijkse weging en medicatie."}}}})
		c.careTeam("Thuiszorg na ontslag",
			tie{kind: access.Invited, doctor: "nurse", fromAgo: days(121), untilAgo: durPtr(days(10))},
			pharmacy(900))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 400, catH, catA, catVT)
	}},

	{person{key: "evvliet", bsn: "999998286", number: "4000115", given: []string{"Elisabeth"}, prefix: "van", family: "Vliet",
		sex: "female", years: 88, months: 2, days: 28, gp: uraDeLinde}, "", func(c *chart) {
		// A planned admission: the elderly-care physician's invitation starts in five days.
		c.condition("52448006", "Dementie", 800, 0)
		c.condition("239872002", "Artrose van de heup", 3000, 0)
		c.medication(med{drug: rivastigmine, dose: "1x daags 1 pleister", route: "transdermaal", reason: "Dementie", prescriber: "geriater", startAgo: 700})
		c.medication(med{drug: paracetamol, dose: "3x daags 2 tabletten", route: "oraal", reason: "Artrose", prescriber: "gp", startAgo: 1500})
		c.encounter(visit{class: "AMB", department: "Klinische geriatrie", reason: "Geheugenpoli", doctor: "geriater", startAgo: 30})
		c.appointment("Opname klinische geriatrie (gepland)", "Klinische geriatrie", "geriater", -5, "booked")
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Polikliniekbrief klinische geriatrie", doctor: "geriater", daysAgo: 30,
			docs: []document{{contentType: "text/plain", title: "Polikliniekbrief klinische geriatrie", lines: []string{"Toenemende cognitieve achteruitgang en vallen thuis.", "Geplande opname voor observatie; overplaatsing naar Zorggroep Avondrood wordt voorbereid."}}}})
		c.limit("Niet reanimeren", "89666000", 30, false)
		c.careTeam("Overdracht na geplande opname",
			tie{kind: access.Invited, doctor: "elderly-care-physician", fromAgo: -days(5), untilAgo: durPtr(-days(95))},
			pharmacy(1500))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 30, catH, catA, catOG)
	}},

	{person{key: "bschouten", bsn: "999999151", number: "4000116", given: []string{"Bas"}, family: "Schouten",
		sex: "male", years: 35, months: 11, days: 3, gp: uraHetAnker}, "batch", func(c *chart) {
		// Registered with Het Anker, so the gp card of De Linde has no relationship with him.
		c.condition("", "Meniscusscheur knie links", 120, 80)
		c.noKnownAllergies(90)
		dag := c.encounter(visit{class: "SS", department: "Orthopedie", reason: "Artroscopie knie links", doctor: "orthopeed", startAgo: 90, endAgo: 90, hh: 8})
		c.procedure("", "Artroscopische partiële meniscectomie links", "orthopeed", 90, dag)
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Poliklinische controle orthopedie", doctor: "orthopeed", daysAgo: 80,
			docs: []document{{contentType: "text/plain", title: "Poliklinische controle orthopedie", lines: []string{"Goed herstel na artroscopie.", "Fysiotherapie voortzetten; geen vervolgafspraak."}}}})
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelPatientPortal, 200, catH)
	}},

	{person{key: "rverbeek", bsn: "999990111", number: "4000117", given: []string{"Ria"}, family: "Verbeek",
		sex: "female", years: 67, months: 10, days: 11, gp: uraDeLinde}, "", func(c *chart) {
		// Palpitations: ECGs and a Holter.
		c.condition("49436004", "Paroxismaal atriumfibrilleren", 120, 0)
		c.allergy("", "Pleisterallergie", "environment", "low", "Jeukende huiduitslag", 900)
		c.labs(testTSH, point{120, 2.1})
		c.labs(testPotassium, point{120, 4.2})
		c.labs(testNTproBNP, point{120, 320})
		c.encounter(visit{class: "EMER", department: "Spoedeisende hulp", reason: "Hartkloppingen", doctor: "cardioloog", startAgo: 120, hh: 22})
		c.report(reportSpec{category: "EC", loinc: "11524-6", title: "ECG", doctor: "cardioloog", daysAgo: 120,
			conclusion: "Atriumfibrilleren met snelle ventrikelrespons, 132/min.",
			docs:       []document{{contentType: "text/plain", title: "ECG SEH", lines: []string{"Irregulair ritme zonder P-toppen, 132/min.", "Conclusie: atriumfibrilleren met snelle ventrikelrespons."}}}})
		c.report(reportSpec{category: "EC", loinc: "18754-2", title: "24-uurs Holterregistratie", doctor: "cardioloog", daysAgo: 100,
			conclusion: "Paroxismaal atriumfibrilleren, totaal 2 uur 40 minuten; geen pauzes.",
			docs:       []document{{contentType: "application/pdf", title: "Holterregistratie", lines: []string{"Registratieduur 24 uur.", "Gemiddelde frequentie 74/min (min 48, max 146).", "Drie episodes van atriumfibrilleren, samen 2 uur 40 minuten.", "Geen pauzes langer dan 2 seconden.", "Klachten in dagboek vallen samen met de episodes."}}}})
		c.report(reportSpec{category: "EC", loinc: "11524-6", title: "ECG", doctor: "cardioloog", daysAgo: 30,
			conclusion: "Sinusritme 64/min, geen afwijkingen.",
			docs:       []document{{contentType: "text/plain", title: "ECG polikliniek", lines: []string{"Sinusritme 64/min, normale geleidingstijden.", "Conclusie: normaal ECG."}}}})
		c.medication(med{drug: metoprolol, dose: "1x daags 1 tablet", route: "oraal", reason: "Atriumfibrilleren", prescriber: "cardioloog", startAgo: 120, request: true})
		c.medication(med{drug: apixaban, dose: "2x daags 1 tablet", route: "oraal", reason: "Atriumfibrilleren", prescriber: "cardioloog", startAgo: 120, request: true})
		c.encounter(visit{class: "AMB", department: "Cardiologie", reason: "Atriumfibrilleren", doctor: "cardioloog", startAgo: 100})
		c.encounter(visit{class: "AMB", department: "Cardiologie", reason: "Atriumfibrilleren", doctor: "cardioloog", startAgo: 30})
		c.letter(letterSpec{loinc: "34099-2", typeName: "Consultbrief cardiologie", title: "Polikliniekbrief cardiologie", doctor: "cardioloog", daysAgo: 30,
			docs: []document{{contentType: "text/html", title: "Polikliniekbrief cardiologie", lines: []string{"Paroxismaal atriumfibrilleren, CHA<sub>2</sub>DS<sub>2</sub>-VASc 3.", "Gestart met apixaban en metoprolol; klachten sterk verminderd.", "<em>Beleid:</em> controle over 3 maanden."}}}})
		c.appointment("Poliklinische controle cardiologie", "Cardiologie", "cardioloog", -21, "booked")
		c.careTeam("", pharmacy(120))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 110, catH, catA, catMS)
	}},

	{person{key: "mdbruijn", bsn: "999990925", number: "4000118", given: []string{"Mark"}, prefix: "de", family: "Bruijn",
		sex: "male", years: 59, months: 4, days: 19, gp: uraDeLinde}, "", func(c *chart) {
		// Referred after a positive screening test: colonoscopy and pathology.
		c.condition("68496003", "Poliep van het colon", 40, 0)
		c.noKnownAllergies(70)
		c.letter(letterSpec{loinc: "57133-1", typeName: "Verwijsbrief", title: "Verwijzing maag-, darm- en leverziekten", doctor: "gp", daysAgo: 70,
			docs: []document{{contentType: "text/plain", title: "Verwijsbrief", lines: []string{"Graag coloscopie na positieve FIT in het bevolkingsonderzoek.", "Geen klachten, geen familieanamnese voor darmkanker."}}}})
		scopie := c.encounter(visit{class: "AMB", department: "Maag-, darm- en leverziekten", reason: "Coloscopie", doctor: "mdl", startAgo: 40})
		c.procedure("73761001", "Coloscopie met poliepectomie", "mdl", 40, scopie)
		c.report(reportSpec{category: "SP", loinc: "11529-5", title: "Histologie colonpoliep", doctor: "patholoog", daysAgo: 35,
			conclusion: "Tubulair adenoom met laaggradige dysplasie, radicaal verwijderd.",
			docs: []document{
				{contentType: "text/plain", title: "Pathologieverslag", lines: []string{"Materiaal: poliep colon sigmoideum, 12 mm.", "Microscopie: tubulair adenoom met laaggradige dysplasie.", "Resectieranden vrij."}},
				{contentType: "application/pdf", title: "Pathologieverslag (PDF)", lines: []string{"Materiaal: poliep colon sigmoideum, 12 mm.", "Microscopie: tubulair adenoom met laaggradige dysplasie.", "Resectieranden vrij.", "Conclusie: tubulair adenoom met laaggradige dysplasie, radicaal verwijderd."}},
			}})
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Uitslag coloscopie", doctor: "mdl", daysAgo: 30,
			docs: []document{{contentType: "text/plain", title: "Uitslag coloscopie", lines: []string{"Eén poliep verwijderd: tubulair adenoom, radicaal.", "Surveillancecoloscopie over 3 jaar."}}}})
		c.appointment("Surveillancecoloscopie", "Maag-, darm- en leverziekten", "mdl", -1065, "proposed")
		c.careTeam("", pharmacy(200))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 80, catH, catA)
	}},

	{person{key: "tvdlinden", bsn: "999990962", number: "4000119", given: []string{"Geertruida"}, prefix: "van der", family: "Linden",
		sex: "female", years: 79, months: 0, days: 25, gp: uraDeLinde}, "", func(c *chart) {
		// Pneumonia, discharged nine days ago with home nursing.
		c.condition("233604007", "Pneumonie rechter onderkwab", 16, 5)
		c.noKnownAllergies(16)
		c.labs(testCRP, point{16, 212}, point{14, 168}, point{12, 96}, point{10, 41}, point{9, 24})
		c.labs(testLeuko, point{16, 17.2}, point{12, 12.1}, point{9, 9.4})
		c.vitals(16, 102, 58, 118, 64.0)
		c.vitals(12, 124, 70, 92, 0)
		c.vitals(9, 131, 76, 80, 63.5)
		c.medication(med{drug: amoxiClav, dose: "3x daags 1 tablet", route: "oraal", reason: "Pneumonie", prescriber: "longarts", startAgo: 16, stopAgo: 9})
		c.medication(med{drug: paracetamol, dose: "Zo nodig 4x daags 2 tabletten", route: "oraal", prescriber: "longarts", startAgo: 16})
		c.encounter(visit{class: "EMER", department: "Spoedeisende hulp", reason: "Koorts en benauwdheid", doctor: "longarts", startAgo: 16, hh: 15})
		c.encounter(visit{class: "IMP", department: "Longziekten", reason: "Pneumonie rechter onderkwab", doctor: "longarts", startAgo: 16, endAgo: 9, discharge: "Naar huis met wijkverpleging", hh: 19})
		c.imaging("CR", "Computed Radiography", "X-thorax", "Thorax", 16, 2)
		c.report(reportSpec{category: "RAD", loinc: "18748-4", title: "X-thorax", doctor: "radioloog", daysAgo: 16,
			conclusion: "Consolidatie rechter onderkwab passend bij pneumonie.",
			docs:       []document{{contentType: "text/plain", title: "X-thorax", lines: []string{"Consolidatie in de rechter onderkwab met positief bronchogram.", "Geen pleuravocht. Hartgrootte normaal."}}}})
		c.letter(letterSpec{loinc: "18842-5", typeName: "Ontslagbrief", title: "Ontslagbrief longziekten", doctor: "longarts", daysAgo: 9,
			docs: []document{{contentType: "text/plain", title: "Ontslagbrief longziekten", lines: []string{
				"Opname wegens pneumonie rechter onderkwab (CURB-65 score 2).",
				"Behandeld met amoxicilline/clavulaanzuur, eerst intraveneus, daarna oraal; CRP gedaald van 212 naar 24.",
				"Bij ontslag mobiel met rollator; wijkverpleging voor ondersteuning bij ADL.",
				"Controle X-thorax over 6 weken via de huisarts."}}}})
		c.careTeam("Ontslag met wijkverpleging",
			tie{kind: access.DischargeRecipient, org: uraThuiszorg, fromAgo: days(9), untilAgo: durPtr(-days(81))},
			pharmacy(2000))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 16, catH, catA, catVT)
		c.consent(access.ConsentRefused, access.ByPatient, access.ChannelDesk, 16, catOG)
	}},

	{person{key: "abouzid", bsn: "999991036", number: "4000120", given: []string{"Ahmed"}, family: "Bouzid",
		sex: "male", years: 52, months: 2, days: 7, gp: uraDeLinde}, "", func(c *chart) {
		// A heart attack two years ago; older admissions and letters.
		c.condition("22298006", "Hartinfarct (STEMI inferior)", 730, 700)
		c.condition("55822004", "Hypercholesterolemie", 730, 0)
		c.labs(labTest{code: "22748-8", display: "LDL-cholesterol", unit: "mmol/L", high: num(2.5), rangeText: "< 2,5 (streefwaarde na infarct < 1,8)"},
			point{730, 3.9}, point{365, 2.1}, point{30, 1.7})
		c.encounter(visit{class: "EMER", department: "Spoedeisende hulp", reason: "Pijn op de borst", doctor: "cardioloog", startAgo: 730, hh: 6})
		adm := c.encounter(visit{class: "IMP", department: "Cardiologie", reason: "STEMI inferior", doctor: "cardioloog", startAgo: 730, endAgo: 724, discharge: "Naar huis, hartrevalidatie"})
		c.procedure("415070008", "Percutane coronaire interventie (PCI) RCA", "cardioloog", 730, adm)
		c.imaging("XA", "X-Ray Angiography", "Coronairangiografie", "Hart", 730, 14)
		c.report(reportSpec{category: "EC", loinc: "11524-6", title: "ECG", doctor: "cardioloog", daysAgo: 730,
			conclusion: "ST-elevatie in II, III en aVF: acuut inferior infarct.",
			docs:       []document{{contentType: "text/plain", title: "ECG SEH", lines: []string{"Sinusritme 92/min.", "ST-elevatie II, III, aVF; spiegelbeeld in I en aVL."}}}})
		c.report(reportSpec{category: "EC", loinc: "11524-6", title: "ECG", doctor: "cardioloog", daysAgo: 365,
			conclusion: "Sinusritme, Q-golven inferior, geen ischemie.",
			docs:       []document{{contentType: "text/plain", title: "ECG polikliniek", lines: []string{"Sinusritme 62/min.", "Q-golven in II, III, aVF, geen ST-afwijkingen."}}}})
		c.letter(letterSpec{loinc: "18842-5", typeName: "Ontslagbrief", title: "Ontslagbrief cardiologie", doctor: "cardioloog", daysAgo: 724,
			docs: []document{{contentType: "application/pdf", title: "Ontslagbrief cardiologie", lines: []string{"Opname wegens STEMI inferior.", "Primaire PCI van de rechter kransslagader met 1 stent.", "Gestart: acetylsalicylzuur, ticagrelor (12 maanden), atorvastatine 80 mg, metoprolol.", "Hartrevalidatie aangevraagd."}}}})
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Jaarcontrole cardiologie", doctor: "cardioloog", daysAgo: 365,
			docs: []document{{contentType: "text/plain", title: "Jaarcontrole cardiologie", lines: []string{"Geen angineuze klachten meer.", "Ticagrelor gestopt na 12 maanden; overige medicatie ongewijzigd."}}}})
		c.medication(med{drug: ticagrelor, dose: "2x daags 1 tablet", route: "oraal", reason: "Na PCI", prescriber: "cardioloog", startAgo: 730, stopAgo: 365})
		c.medication(med{drug: ascal, dose: "1x daags 1 tablet", route: "oraal", reason: "Na hartinfarct", prescriber: "cardioloog", startAgo: 730})
		c.medication(med{drug: atorvastatine80, dose: "1x daags 1 tablet", route: "oraal", reason: "Hypercholesterolemie", prescriber: "cardioloog", startAgo: 730})
		c.medication(med{drug: metoprolol, dose: "1x daags 1 tablet", route: "oraal", reason: "Na hartinfarct", prescriber: "cardioloog", startAgo: 730})
		c.encounter(visit{class: "AMB", department: "Cardiologie", reason: "Jaarcontrole", doctor: "cardioloog", startAgo: 365})
		c.careTeam("", pharmacy(730))
		c.episode(access.Referrer, uraOost, days(400), -days(330))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 720, catH, catA, catMS)
	}},

	{person{key: "svermeulen", bsn: "999991073", number: "4000121", given: []string{"Sanne"}, family: "Vermeulen",
		sex: "female", years: 31, months: 6, days: 16, gp: uraDeLinde}, "", func(c *chart) {
		// Outpatient only; she withdrew her consent for pharmacies.
		c.condition("57406009", "Carpaletunnelsyndroom rechts", 90, 0)
		c.allergy("91936005", "Allergie voor penicilline", "medication", "low", "Huiduitslag", 2000)
		c.medication(med{drug: ibuprofen, dose: "Zo nodig 3x daags 1 tablet", route: "oraal", prescriber: "gp", startAgo: 60})
		c.encounter(visit{class: "AMB", department: "Neurologie", reason: "Tintelingen rechterhand", doctor: "neuroloog", startAgo: 20})
		c.appointment("Neurologie: eerste consult", "Neurologie", "neuroloog", 20, "fulfilled")
		c.appointment("Neurologie: bespreken EMG-uitslag", "Neurologie", "neuroloog", -30, "booked")
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelPatientPortal, 300, catA)
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelPatientPortal, 25, catH)
		c.consent(access.ConsentWithdrawn, access.ByPatient, access.ChannelPatientPortal, 25, catA)
	}},

	{person{key: "rpost", bsn: "999991887", number: "4000122", given: []string{"Robert"}, family: "Post",
		sex: "male", years: 74, months: 9, days: 30, gp: uraHetAnker}, "", func(c *chart) {
		// Severe COPD: spirometry, a CT scan and an older admission.
		c.condition("13645005", "COPD GOLD 3", 2500, 0)
		c.encounter(visit{class: "IMP", department: "Longziekten", reason: "COPD-exacerbatie", doctor: "longarts", startAgo: 800, endAgo: 792, discharge: "Naar huis"})
		c.medication(med{drug: tiotropium, dose: "1x daags 2 inhalaties", route: "inhalatie", reason: "COPD", prescriber: "longarts", startAgo: 2500})
		c.medication(med{drug: budesoFormo, dose: "2x daags 1 inhalatie", route: "inhalatie", reason: "COPD", prescriber: "longarts", startAgo: 800})
		c.medication(med{drug: prednisolon, dose: "1x daags 1 tablet, 5 dagen", route: "oraal", reason: "Exacerbatie", prescriber: "gp", startAgo: 60, stopAgo: 55})
		c.medication(med{drug: salbutamol, dose: "Zo nodig 2 inhalaties", route: "inhalatie", reason: "COPD", prescriber: "longarts", startAgo: 2500})
		c.labs(testCRP, point{800, 64}, point{60, 22})
		c.labs(testLeuko, point{800, 13.9}, point{60, 10.4})
		c.report(reportSpec{category: "PF", loinc: "81459-0", title: "Spirometrie", doctor: "longarts", daysAgo: 400,
			conclusion: "Ernstige obstructie (FEV1 44% van voorspeld).",
			docs:       []document{{contentType: "text/plain", title: "Spirometrie", lines: []string{"FEV1 1,31 l (44%), FEV1/FVC 0,46.", "Geen significante reversibiliteit."}}}})
		c.report(reportSpec{category: "PF", loinc: "81459-0", title: "Spirometrie", doctor: "longarts", daysAgo: 20,
			conclusion: "Ernstige obstructie, stabiel ten opzichte van vorig jaar.",
			docs:       []document{{contentType: "application/pdf", title: "Longfunctieonderzoek", lines: []string{"FEV1 1,28 l (43% van voorspeld).", "FVC 2,71 l (72%).", "FEV1/FVC 0,47.", "Conclusie: ernstige obstructie, stabiel."}}}})
		c.imaging("CT", "Computed Tomography", "CT-thorax zonder contrast", "Thorax", 60, 312)
		c.report(reportSpec{category: "CT", loinc: "18748-4", title: "CT-thorax", doctor: "radioloog", daysAgo: 60,
			conclusion: "Centrilobulair emfyseem, geen verdachte laesies.",
			docs:       []document{{contentType: "text/html", title: "CT-thorax", lines: []string{"Uitgebreid centrilobulair emfyseem, bovenvelden meer dan ondervelden.", "Geen longnoduli, geen lymfadenopathie.", "<strong>Conclusie:</strong> emfyseem, geen aanwijzingen voor maligniteit."}}}})
		for _, d := range []int{400, 60, 20} {
			c.encounter(visit{class: "AMB", department: "Longziekten", reason: "COPD-controle", doctor: "longarts", startAgo: d})
		}
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Polikliniekbrief longziekten", doctor: "longarts", daysAgo: 20,
			docs: []document{{contentType: "application/pdf", title: "Polikliniekbrief longziekten", lines: []string{"Stabiele ernstige COPD.", "CT-thorax: emfyseem, geen verdachte afwijkingen.", "Longrevalidatie aangevraagd; controle over 3 maanden."}}}})
		c.appointment("COPD-controle", "Longziekten", "longarts", -45, "booked")
		c.careTeam("", pharmacy(2500))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 500, catH, catA, catMS)
		c.consent(access.ConsentWithdrawn, access.ByPatient, access.ChannelForm, 40, catMS)
	}},

	{person{key: "hdhaan", bsn: "999992405", number: "4000123", given: []string{"Hendrikus"}, prefix: "de", family: "Haan",
		sex: "male", years: 83, months: 5, days: 4, gp: uraDeLinde}, "", func(c *chart) {
		// Hip fracture, operated, discharged six days ago to the nursing home for rehabilitation.
		c.condition("5913000", "Collumfractuur links", 14, 0)
		c.condition("64859006", "Osteoporose", 14, 0)
		c.noKnownAllergies(14)
		c.labs(testHbM, point{14, 8.9}, point{12, 6.9}, point{10, 7.4}, point{7, 7.9})
		c.labs(testCreat, point{14, 102}, point{7, 95})
		c.encounter(visit{class: "EMER", department: "Spoedeisende hulp", reason: "Val thuis, pijn linkerheup", doctor: "orthopeed", startAgo: 14, hh: 7})
		adm := c.encounter(visit{class: "IMP", department: "Orthopedie", reason: "Collumfractuur links", doctor: "orthopeed", startAgo: 14, endAgo: 6,
			discharge: "Naar verpleeghuis Zorggroep Avondrood (geriatrische revalidatie)", hh: 9})
		c.procedure("", "Kophalsprothese heup links", "orthopeed", 13, adm)
		c.imaging("DX", "Digital Radiography", "X-heup links", "Heup links", 14, 2)
		c.imaging("DX", "Digital Radiography", "X-heup links postoperatief", "Heup links", 12, 2)
		c.report(reportSpec{category: "RAD", loinc: "18748-4", title: "X-heup links", doctor: "radioloog", daysAgo: 14,
			conclusion: "Gedisloceerde mediale collumfractuur links (Garden IV).",
			docs:       []document{{contentType: "text/plain", title: "X-heup links", lines: []string{"Mediale collumfractuur links met dislocatie, Garden IV."}}}})
		c.medication(med{drug: nadroparine, dose: "1x daags 1 injectie, 6 weken", route: "subcutaan", reason: "Tromboseprofylaxe", prescriber: "orthopeed", startAgo: 13, request: true})
		c.medication(med{drug: oxycodon, dose: "2x daags 1 capsule", route: "oraal", reason: "Pijn", prescriber: "orthopeed", startAgo: 13, stopAgo: 7, stopReason: "Obstipatie en verwardheid"})
		c.medication(med{drug: paracetamol, dose: "4x daags 2 tabletten", route: "oraal", reason: "Pijn", prescriber: "orthopeed", startAgo: 13})
		c.medication(med{drug: alendronaat, dose: "1x per week 1 tablet", route: "oraal", reason: "Osteoporose", prescriber: "geriater", startAgo: 7, request: true})
		c.medication(med{drug: calciumD, dose: "1x daags 1 kauwtablet", route: "oraal", reason: "Osteoporose", prescriber: "geriater", startAgo: 7, request: true})
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Consult klinische geriatrie", doctor: "geriater", daysAgo: 9,
			docs: []document{{contentType: "text/plain", title: "Consult klinische geriatrie", lines: []string{"Postoperatief delier, inmiddels opgeklaard na staken van oxycodon.", "Advies: geriatrische revalidatie in het verpleeghuis; osteoporosebehandeling gestart."}}}})
		c.letter(letterSpec{loinc: "18842-5", typeName: "Ontslagbrief", title: "Ontslagbrief orthopedie", doctor: "orthopeed", daysAgo: 6,
			docs: []document{{contentType: "application/pdf", title: "Ontslagbrief orthopedie", viaBinary: true, lines: []string{
				"Opname: val thuis met gedisloceerde collumfractuur links.",
				"Behandeling: kophalsprothese links; postoperatief Hb-daling tot 6,9 mmol/l, geen transfusie nodig.",
				"Beloop gecompliceerd door een delier (opgeklaard).",
				"Ontslag naar Zorggroep Avondrood voor geriatrische revalidatie; volledig belasten toegestaan.",
				"Nadroparine tot 6 weken na operatie; alendroninezuur en calcium/vitamine D gestart.",
				"Controle polikliniek orthopedie over 6 weken met X-heup."}}}})
		c.appointment("Controle met X-heup", "Orthopedie", "orthopeed", -36, "booked")
		c.limit("Niet reanimeren", "89666000", 14, false)
		c.limit("Geen beademing, geen IC-opname", "", 14, true)
		c.careTeam("Ontslag naar geriatrische revalidatie",
			tie{kind: access.DischargeRecipient, org: uraAvondrood, fromAgo: days(6), untilAgo: durPtr(-days(84))},
			tie{kind: access.DischargeRecipient, doctor: "elderly-care-physician", fromAgo: days(6), untilAgo: durPtr(-days(84))},
			pharmacy(2000))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelForm, 14, allCategories...)
	}},

	{person{key: "gvwijk", bsn: "999992442", number: "4000124", given: []string{"Margaretha"}, prefix: "van", family: "Wijk",
		sex: "female", years: 72, months: 8, days: 13, gp: uraDeLinde}, "collection", func(c *chart) {
		// Hypothyroidism: TSH over a year while the levothyroxine dose was found.
		c.condition("40930008", "Hypothyreoïdie", 400, 0)
		c.allergy("424213003", "Allergie voor bijengif", "environment", "high", "Anafylaxie", 3000)
		c.labs(testTSH, point{400, 11.8}, point{340, 7.2}, point{280, 4.6}, point{220, 3.1}, point{120, 0.3}, point{60, 1.8}, point{10, 2.2})
		c.labs(testFT4, point{400, 8.1}, point{280, 12.4}, point{120, 23.1}, point{10, 16.0})
		c.medication(med{drug: levo50, dose: "1x daags 1 tablet nuchter", route: "oraal", reason: "Hypothyreoïdie", prescriber: "internist", startAgo: 400, stopAgo: 300, stopReason: "Dosis verhoogd (TSH te hoog)"})
		c.medication(med{drug: levo75, dose: "1x daags 1 tablet nuchter", route: "oraal", reason: "Hypothyreoïdie", prescriber: "internist", startAgo: 300, stopAgo: 118, stopReason: "Dosis verlaagd (TSH te laag)"})
		c.medication(med{drug: levo50, dose: "1x daags 1 tablet nuchter", route: "oraal", reason: "Hypothyreoïdie", prescriber: "internist", startAgo: 118, request: true})
		for _, d := range []int{400, 280, 120, 10} {
			c.encounter(visit{class: "AMB", department: "Interne geneeskunde", reason: "Schildklier", doctor: "internist", startAgo: d})
		}
		c.letter(letterSpec{loinc: "51852-2", typeName: "Brief", title: "Polikliniekbrief interne geneeskunde", doctor: "internist", daysAgo: 10,
			docs: []document{{contentType: "text/plain", title: "Polikliniekbrief", lines: []string{"TSH 2,2 mU/l op levothyroxine 50 microgram: goed ingesteld.", "Terug naar de huisarts; jaarlijks TSH."}}}})
		c.careTeam("", pharmacy(400))
		c.consent(access.ConsentGranted, access.ByPatient, access.ChannelDesk, 390, catH, catA)
		c.consent(access.ConsentRefused, access.ByPatient, access.ChannelDesk, 390, catVT)
	}},

	{person{key: "tbosman", bsn: "999993367", number: "4000125", given: []string{"Thijs"}, family: "Bosman",
		sex: "male", years: 5, months: 8, days: 10, gp: uraDeLinde}, "searchset", func(c *chart) {
		// A young child: a febrile convulsion last month; allergies were never asked (unknown).
		c.condition("41497008", "Koortsconvulsie", 30, 29)
		c.labs(testCRP, point{30, 34})
		c.labs(testLeuko, point{30, 14.2})
		c.labs(testGlucose, point{30, 5.6})
		c.encounter(visit{class: "EMER", department: "Spoedeisende hulp", reason: "Insult bij koorts", doctor: "kinderarts", startAgo: 30, hh: 20})
		c.encounter(visit{class: "IMP", department: "Kindergeneeskunde", reason: "Koortsconvulsie", doctor: "kinderarts", startAgo: 30, endAgo: 29, discharge: "Naar huis", hh: 22})
		c.medication(med{drug: diazepamRect, dose: "Bij insult langer dan 5 minuten 1 rectiole", route: "rectaal", reason: "Koortsconvulsie", prescriber: "kinderarts", startAgo: 29, request: true})
		c.letter(letterSpec{loinc: "18842-5", typeName: "Ontslagbrief", title: "Ontslagbrief kindergeneeskunde", doctor: "kinderarts", daysAgo: 29,
			docs: []document{{contentType: "text/plain", title: "Ontslagbrief kindergeneeskunde", lines: []string{"Eenvoudige koortsconvulsie bij bovensteluchtweginfectie.", "Ouders voorgelicht; diazepamrectiole mee naar huis."}}}})
		c.consent(access.ConsentGranted, access.ByRepresentative, access.ChannelDesk, 30, catH)
	}},

	{person{key: "ydgroot", bsn: "999993811", number: "4000126", given: []string{"Yara"}, prefix: "de", family: "Groot",
		sex: "female", years: 15, months: 4, days: 21, gp: uraHetAnker}, "", func(c *chart) {
		// Fifteen: she and her parent decided together; a severe peanut allergy.
		c.condition("195967001", "Astma", 2000, 0)
		c.allergy("91935009", "Allergie voor pinda", "food", "high", "Anafylaxie", 200)
		c.medication(med{drug: adrenaline, dose: "Bij anafylaxie 1 injectie in de bovenbeen", route: "intramusculair", reason: "Pinda-allergie", prescriber: "kinderarts", startAgo: 200, request: true})
		c.medication(med{drug: budesoFormo, dose: "2x daags 1 inhalatie", route: "inhalatie", reason: "Astma", prescriber: "kinderarts", startAgo: 700})
		c.encounter(visit{class: "EMER", department: "Spoedeisende hulp", reason: "Anafylactische reactie na pinda", doctor: "kinderarts", startAgo: 200, hh: 19})
		c.encounter(visit{class: "AMB", department: "Kindergeneeskunde", reason: "Allergiepoli", doctor: "kinderarts", startAgo: 60})
		c.careTeam("", pharmacy(700))
		c.consent(access.ConsentGranted, access.ByBoth, access.ChannelDesk, 60, catH, catA)
		c.consent(access.ConsentRefused, access.ByBoth, access.ChannelDesk, 60, catMS)
	}},
}
