package access

import "testing"

func TestValidBSN(t *testing.T) {
	tests := []struct {
		bsn  string
		want bool
	}{
		{"211551557", true}, // the worked example: 110 = 11·10
		{"999993847", true}, // RvIG test persons
		{"999990408", true},
		{"999911120", true},
		{"123456782", true},
		{"111222333", true},
		{"211551556", false}, // last digit off by one
		{"211551558", false},
		{"121551557", false}, // two digits swapped
		{"000000000", false}, // passes the arithmetic, is no one's number
		{"21155155", false},  // eight digits
		{"2115515570", false},
		{"21155155a", false},
		{" 21155155", false},
		{"", false},
		{"123456789", false}, // plain elfproef (last weight +1) would differ: 9+16+21+24+25+24+21+16-9 = 147
	}
	for _, tt := range tests {
		t.Run(tt.bsn, func(t *testing.T) {
			if got := ValidBSN(tt.bsn); got != tt.want {
				t.Errorf("ValidBSN(%q) = %v, want %v", tt.bsn, got, tt.want)
			}
		})
	}
}

// TestValidBSNUsesMinusOneForTheLastDigit finds a number that passes the plain elfproef (all weights
// positive, as bank account numbers used) but not the BSN variant, and checks that it is refused.
func TestValidBSNUsesMinusOneForTheLastDigit(t *testing.T) {
	plain := func(s string) bool {
		sum := 0
		for i := range 9 {
			w := 9 - i
			if i == 8 {
				w = 1
			}
			sum += w * int(s[i]-'0')
		}
		return sum%11 == 0
	}
	// 123456789: 9·1+8·2+7·3+6·4+5·5+4·6+3·7+2·8 = 156; plain adds 9 -> 165 = 11·15, BSN subtracts 9 -> 147.
	if !plain("123456789") {
		t.Fatal("test premise: 123456789 passes the plain elfproef")
	}
	if ValidBSN("123456789") {
		t.Fatal("a number that passes only the plain elfproef was accepted as BSN")
	}
}
