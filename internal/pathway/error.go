// Package pathway holds Pathway's domain: the ladder of engagement, consenting
// participants and their history, accounts, the audit trail, and the error
// codes every layer speaks. It imports nothing else of ours.
package pathway

import (
	"errors"
	"fmt"
)

// Domain error codes, mapped to HTTP statuses by the API layer.
const (
	EINVALID      = "invalid"      // the request breaks a rule; field errors say which
	ENOTFOUND     = "not_found"    // absent, or not visible to the caller
	ECONFLICT     = "conflict"     // clashes with what is already stored
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // credentials valid, role may not do this
	ELOCKED       = "rate_limited" // too many attempts; try again later
	EINTERNAL     = "internal"     // a fault of ours
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) does not answer
)

// Messages are keys of the message catalogues (internal/words), one per
// language; the words are written there, not here. A message's Args fill its
// %-verbs in order, and a field message's {label} is the field's own label
// in the reader's language, so validation and domain rules name a field the
// same way. A message that is not a key is shown as it is, in every language,
// and the catalogue test names it.

// Message keys every layer uses.
const (
	MsgInvalidFields  = "problem.invalid_fields"  // the detail of an EINVALID that names fields
	MsgConflictFields = "problem.conflict_fields" // the detail of an ECONFLICT that names fields
	MsgInternal       = "problem.internal"        // all a client reads of a fault of ours
)

// FieldError names one field of a request and what is wrong with it.
// Message is a catalogue key; Args fill it. Label, when set, is the field
// whose label the message names, when the error is reported on another (an
// event's date that is before one attendee's consent, reported on them).
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Args    []any  `json:"-"`
	Label   string `json:"-"`
}

// Error is a domain error: a code, a message a person can read (a catalogue
// key and what fills it), and for EINVALID the fields at fault.
type Error struct {
	Code    string
	Message string
	Args    []any
	Fields  []FieldError
}

// Error implements the error interface, for logs: keys and arguments, in no
// person's language.
func (e *Error) Error() string {
	msg := e.Message
	if len(e.Args) > 0 {
		msg += fmt.Sprint(e.Args)
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("pathway error: code=%s message=%s fields=%v", e.Code, msg, e.Fields)
	}
	return fmt.Sprintf("pathway error: code=%s message=%s", e.Code, msg)
}

// Errorf returns an Error with the given code and message key, filled by args.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Message: key, Args: args}
}

// Invalid returns an EINVALID error naming one field.
func Invalid(field, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: MsgInvalidFields, Fields: []FieldError{{Field: field, Message: key, Args: args}}}
}

// Conflict returns an ECONFLICT error naming one field.
func Conflict(field, key string, args ...any) *Error {
	return &Error{Code: ECONFLICT, Message: MsgConflictFields, Fields: []FieldError{{Field: field, Message: key, Args: args}}}
}

// ErrorCode returns the code of err, EINTERNAL when err is not an *Error, or
// "" when err is nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message key of err, or the generic one for
// internal errors so that no detail leaks to a client; words.Text puts it
// in a language.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return MsgInternal
}

// ErrorArgs returns what fills the message of err.
func ErrorArgs(err error) []any {
	var e *Error
	if errors.As(err, &e) {
		return e.Args
	}
	return nil
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
