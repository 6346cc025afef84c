package words

import (
	"testing"

	"pathway/internal/pathway"
)

// BenchmarkNegotiate is the cost every problem answer pays to read its
// Accept-Language.
func BenchmarkNegotiate(b *testing.B) {
	for b.Loop() {
		Negotiate("es-MX, es;q=0.9, en;q=0.5")
	}
}

// BenchmarkExplain is the cost of putting a two-field problem in Spanish.
func BenchmarkExplain(b *testing.B) {
	err := &pathway.Error{Code: pathway.EINVALID, Message: pathway.MsgInvalidFields, Fields: []pathway.FieldError{
		{Field: "consent.given_on", Message: "date.before_consent", Args: []any{pathway.NewDate(2026, 1, 5)}},
		{Field: "display_name", Message: "field.required"},
	}}
	for b.Loop() {
		Explain(Spanish, err)
	}
}
