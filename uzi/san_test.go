package uzi

import (
	"strings"
	"testing"
)

func TestParseSANExtensionRealTestPass(t *testing.T) {
	names, err := ParseSANExtension(testPassSAN)
	if err != nil {
		t.Fatalf("ParseSANExtension: %v", err)
	}
	want := SANNames{UZIName: testPassUZIName, UPN: testPassUPN, HasUPN: true}
	if names != want {
		t.Errorf("ParseSANExtension = %+v, want %+v", names, want)
	}
}

func TestParseSANExtensionAccepts(t *testing.T) {
	long := "2.16.528.1.1003.1.3.5.5.2" + strings.Repeat(".1", 100) + "-1-123456789-Z-12345678-01.015-00000000"
	tests := []struct {
		name string
		der  []byte
		want SANNames
	}{
		{"UZI name only", sanValue(uziName(prodUZIName)), SANNames{UZIName: prodUZIName}},
		{"UPN and UZI name", sanValue(upnName(prodUPN), uziName(prodUZIName)), SANNames{UZIName: prodUZIName, UPN: prodUPN, HasUPN: true}},
		{"long form lengths", sanValue(uziName(long)), SANNames{UZIName: long}},
		{"empty UPN", sanValue(upnName(""), uziName(prodUZIName)), SANNames{UZIName: prodUZIName, HasUPN: true}},
		{"unrelated otherName", sanValue(otherName([]int{1, 2, 3}, tlv(0x04, []byte{1, 2})), uziName(prodUZIName)), SANNames{UZIName: prodUZIName}},
		{"rfc822Name and registeredID", sanValue(tlv(0x81, []byte("a@b.nl")), tlv(0x88, []byte{0x2a}), uziName(prodUZIName)), SANNames{UZIName: prodUZIName}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSANExtension(tc.der)
			if err != nil {
				t.Fatalf("ParseSANExtension: %v", err)
			}
			if got != tc.want {
				t.Errorf("ParseSANExtension = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseSANExtensionRejects(t *testing.T) {
	good := uziName(prodUZIName)
	tests := []struct {
		name string
		der  []byte
		want Reason
	}{
		{"nil", nil, ReasonMalformed},
		{"empty SEQUENCE", []byte{0x30, 0x00}, ReasonMalformed},
		{"SET instead of SEQUENCE", tlv(0x31, good), ReasonMalformed},
		{"primitive SEQUENCE tag", tlv(0x10, good), ReasonMalformed},
		{"indefinite length (BER)", concat([]byte{0x30, 0x80}, good, []byte{0, 0}), ReasonMalformed},
		{"non-minimal length", concat([]byte{0x30, 0x81, byte(len(good))}, good), ReasonMalformed},
		{"length beyond the data", []byte{0x30, 0x05, 0xa0}, ReasonMalformed},
		{"trailing garbage", append(sanValue(good), 0xff), ReasonMalformed},
		{"universal element in GeneralNames", sanValue(good, ia5("x")), ReasonMalformed},
		{"GeneralName tag 9", sanValue(good, tlv(0x89, []byte("x"))), ReasonMalformed},
		{"primitive otherName", sanValue(tlv(0x80, []byte("x")), good), ReasonMalformed},
		{"otherName without type-id", sanValue(tlv(0xa0, tlv(0xa0, ia5(prodUZIName)))), ReasonMalformed},
		{"otherName with empty OID", sanValue(tlv(0xa0, concat([]byte{0x06, 0x00}, tlv(0xa0, ia5(prodUZIName))))), ReasonMalformed},
		{"otherName without value", sanValue(tlv(0xa0, oidDER(oidUZIName))), ReasonMalformed},
		{"otherName value [1]", sanValue(tlv(0xa0, concat(oidDER(oidUZIName), tlv(0xa1, ia5(prodUZIName))))), ReasonMalformed},
		{"otherName implicit IA5String", sanValue(tlv(0xa0, concat(oidDER(oidUZIName), tlv(0x80, []byte(prodUZIName))))), ReasonMalformed},
		{"otherName empty explicit [0]", sanValue(tlv(0xa0, concat(oidDER(oidUZIName), []byte{0xa0, 0x00}))), ReasonMalformed},
		{"otherName trailing element", sanValue(tlv(0xa0, concat(oidDER(oidUZIName), tlv(0xa0, ia5(prodUZIName)), ia5("x")))), ReasonMalformed},
		{"broken unrelated otherName", sanValue(good, tlv(0xa0, []byte{0x06, 0x01})), ReasonMalformed},
		{"no UZI name", sanValue(upnName(prodUPN)), ReasonNoUZIName},
		{"two UZI names", sanValue(good, good), ReasonMultipleUZINames},
		{"UZI name UTF8String", sanValue(otherName(oidUZIName, utf8Str(prodUZIName))), ReasonNotIA5String},
		{"UZI name PrintableString", sanValue(otherName(oidUZIName, printable(prodUZIName))), ReasonNotIA5String},
		{"UZI name OCTET STRING", sanValue(otherName(oidUZIName, tlv(0x04, []byte(prodUZIName)))), ReasonNotIA5String},
		{"UZI name constructed IA5String", sanValue(otherName(oidUZIName, tlv(0x36, ia5(prodUZIName)))), ReasonNotIA5String},
		{"UZI name with high byte", sanValue(otherName(oidUZIName, tlv(0x16, []byte{0x80}))), ReasonNotIA5String},
		{"UPN IA5String", sanValue(otherName(oidUPN, ia5(prodUPN)), good), ReasonUPNEncoding},
		{"UPN invalid UTF-8", sanValue(otherName(oidUPN, tlv(0x0c, []byte{0xff, 0xfe})), good), ReasonUPNEncoding},
		{"two UPNs", sanValue(upnName(prodUPN), upnName(prodUPN), good), ReasonMultipleUPNs},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSANExtension(tc.der)
			if got := ReasonOf(err); got != tc.want {
				t.Fatalf("ParseSANExtension(% x) error = %v (reason %q), want reason %q", tc.der, err, got, tc.want)
			}
		})
	}
}
