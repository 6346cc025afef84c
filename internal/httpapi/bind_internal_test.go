package httpapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-playground/validator/v10"
)

func TestClosedSetTagsAcceptTheDomainsValuesAndNameThemWhenRefused(t *testing.T) {
	for tag, values := range closedSets {
		t.Run(tag, func(t *testing.T) {
			if len(values) == 0 {
				t.Fatal("the domain lists no values")
			}
			for _, v := range values {
				if err := validate.Var(v, tag); err != nil {
					t.Errorf("%q refused: %v", v, err)
				}
			}
			var verrs validator.ValidationErrors
			if err := validate.Var("not-a-value", tag); !errors.As(err, &verrs) {
				t.Fatalf("an unknown value was not refused: %v", err)
			}
			want := "must be one of: " + strings.Join(values, ", ")
			if got := fieldMessage(verrs[0]); got != want {
				t.Errorf("message %q, want %q", got, want)
			}
		})
	}
}

func TestPasswordTagTakesItsBoundsFromTheDomain(t *testing.T) {
	var verrs validator.ValidationErrors
	if err := validate.Var("short", "password"); !errors.As(err, &verrs) {
		t.Fatalf("a short password was not refused: %v", err)
	}
	if got, want := fieldMessage(verrs[0]), "must be at least 12 characters"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if err := validate.Var(strings.Repeat("x", 12), "password"); err != nil {
		t.Errorf("a 12-character password refused: %v", err)
	}
	if err := validate.Var(strings.Repeat("x", 1025), "password"); err == nil {
		t.Error("a 1025-character password accepted")
	}
}
