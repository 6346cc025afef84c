package httpapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-playground/validator/v10"
)

func TestClosedSetTagsAcceptTheDomainsValuesAndAskForAChoiceWhenRefused(t *testing.T) {
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
			if got, _ := fieldMessage(verrs[0]); got != "field.oneof" {
				t.Errorf("message %q, want field.oneof", got)
			}
		})
	}
}

func TestPasswordTagTakesItsBoundsFromTheDomain(t *testing.T) {
	var verrs validator.ValidationErrors
	if err := validate.Var("short", "password"); !errors.As(err, &verrs) {
		t.Fatalf("a short password was not refused: %v", err)
	}
	if key, args := fieldMessage(verrs[0]); key != "field.min_chars" || len(args) != 1 || args[0] != "12" {
		t.Errorf("message %q %v, want field.min_chars [12]", key, args)
	}
	if err := validate.Var(strings.Repeat("x", 12), "password"); err != nil {
		t.Errorf("a 12-character password refused: %v", err)
	}
	if err := validate.Var(strings.Repeat("x", 1025), "password"); err == nil {
		t.Error("a 1025-character password accepted")
	}
}
