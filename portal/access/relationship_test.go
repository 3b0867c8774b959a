package access

import (
	"testing"
	"time"
)

func TestRelationshipStateAt(t *testing.T) {
	r := provHeld(1, Invited, at(-day), ptr(at(day)))
	ended := r
	ended.EndedAt = ptr(at(-time.Minute))
	laterEnd := r
	laterEnd.EndedAt = ptr(at(time.Hour)) // ended by staff with effect from a later moment
	tests := []struct {
		name string
		r    Relationship
		at   time.Time
		want RelationshipState
	}{
		{"at the start", r, at(-day), RelationshipActive},
		{"just before the start", r, at(-day - time.Nanosecond), RelationshipNotYetValid},
		{"just before the end", r, at(day - time.Nanosecond), RelationshipActive},
		{"at the end (exclusive)", r, at(day), RelationshipExpired},
		{"ended", ended, now, RelationshipEnded},
		{"end still to come", laterEnd, now, RelationshipActive},
		{"open-ended", provHeld(1, RegisteredGP, at(-day), nil), at(100000 * day), RelationshipActive},
	}
	for _, tt := range tests {
		if got := tt.r.StateAt(tt.at); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	if e := laterEnd.EndsAt(); !e.Equal(at(time.Hour)) {
		t.Errorf("EndsAt = %v", e)
	}
}

func TestCheckNewRelationship(t *testing.T) {
	base := Relationship{PatientID: 1, HolderKind: HolderOrganisation, HolderURA: ptr("90000101"), Kind: RegisteredGP, Source: "admin", ValidFrom: now, CreatedBy: "Karin Dekker"}
	tests := []struct {
		name   string
		change func(*Relationship)
		reason Reason
	}{
		{"valid", func(*Relationship) {}, ""},
		{"unknown kind", func(r *Relationship) { r.Kind = "friend" }, ReasonUnknownKind},
		{"emergency by hand", func(r *Relationship) { r.Kind = Emergency }, ReasonEmergencyOnlyByProcedure},
		{"URA of 7 digits", func(r *Relationship) { r.HolderURA = ptr("9000010") }, ReasonHolderURA},
		{"both codes", func(r *Relationship) { r.HolderAGB = ptr("01012345") }, ReasonHolderBoth},
		{"provider without AGB", func(r *Relationship) { r.HolderKind = HolderProvider; r.HolderURA = nil }, ReasonHolderAGB},
		{"provider with AGB", func(r *Relationship) { r.HolderKind = HolderProvider; r.HolderURA = nil; r.HolderAGB = ptr("01012345") }, ""},
		{"unknown holder kind", func(r *Relationship) { r.HolderKind = "family" }, ReasonHolderKind},
		{"covering without mandate", func(r *Relationship) { r.Kind = Covering }, ReasonMandateURA},
		{"covering by itself", func(r *Relationship) { r.Kind = Covering; r.MandateURA = ptr("90000101") }, ReasonMandateSelf},
		{"covering by mandate", func(r *Relationship) { r.Kind = Covering; r.MandateURA = ptr("90000102") }, ""},
		{"mandate on a referral", func(r *Relationship) { r.Kind = Referrer; r.MandateURA = ptr("90000102") }, ReasonMandateNotCovering},
		{"no start", func(r *Relationship) { r.ValidFrom = time.Time{} }, ReasonValidFromMissing},
		{"end before start", func(r *Relationship) { r.ValidUntil = ptr(at(-day)) }, ReasonUntilBeforeFrom},
		{"no operator", func(r *Relationship) { r.CreatedBy = "" }, ReasonOperatorMissing},
		{"no source", func(r *Relationship) { r.Source = "" }, ReasonSourceMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.change(&r)
			if got := ReasonOf(CheckNewRelationship(r)); got != tt.reason {
				t.Fatalf("reason %q, want %q", got, tt.reason)
			}
		})
	}
}
