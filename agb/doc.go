// Package agb holds the domain rules for the AGB register (Algemeen GegevensBeheer
// zorgverleners, kept by Vektis) that the portal needs to admit a provider.
//
// A UZI smartcard proves who somebody is, but the card's AGB field is often
// "00000000" and the UZI role alone does not tell the hospital whether the
// person is currently registered as a care provider. The portal therefore
// checks, at every login, that the provider's AGB code is an active
// zorgverlener registration whose qualification fits the UZI role and whose
// surname matches the card (see DESIGN.md §2 item 7).
//
// The package is pure domain code and imports only the standard library, so
// that the admission rules can be read and tested without a database or a web
// server. The pieces are:
//
//   - Code, Zorgsoort and Kwalificatie: the syntax and code tables.
//   - Date: a calendar day, because register periods are whole days.
//   - Registration: the register model (zorgverlener, onderneming, vestiging).
//   - RoleFit: which AGB qualification corroborates which UZI role.
//   - Check and CheckCode: the admission decision with stable reason keys.
//   - Lookup with MapRegister and RemoteLookup: where registrations come from.
//   - ParseRegisterCSV: the import file the hospital loads into its register.
package agb
