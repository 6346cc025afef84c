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

// FieldError names one field of a request and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error: a code, a message a person can read, and for
// EINVALID the fields at fault.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("pathway error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("pathway error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming one field.
func Invalid(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: "The request has invalid fields.", Fields: []FieldError{{Field: field, Message: msg}}}
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

// ErrorMessage returns the person-readable message of err, or a generic one
// for internal errors so that no detail leaks to a client.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. The request was not applied."
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Conflict returns an ECONFLICT error naming one field.
func Conflict(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: ECONFLICT, Message: "The request clashes with what is already recorded.", Fields: []FieldError{{Field: field, Message: msg}}}
}
