package devpki

import (
	"context"
	"testing"
)

// BenchmarkEnsureAllCards measures creating a data folder from nothing with every card, what "demo" does on
// first start: go test -run '^$' -bench EnsureAllCards -benchtime 3x ./portal/devpki/
func BenchmarkEnsureAllCards(b *testing.B) {
	for b.Loop() {
		if _, err := Ensure(context.Background(), Options{Dir: b.TempDir()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEnsureReopen measures opening an existing folder, what every command does on start.
func BenchmarkEnsureReopen(b *testing.B) {
	dir := fixtureDir(b)
	for b.Loop() {
		if _, err := Ensure(context.Background(), Options{Dir: dir, Cards: fixtureCards}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCard measures loading one card (three certificates and keys) from the folder.
func BenchmarkCard(b *testing.B) {
	p := sharedPKI(b)
	for b.Loop() {
		if _, err := p.Card(CardGP); err != nil {
			b.Fatal(err)
		}
	}
}
