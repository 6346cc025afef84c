package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"pathway/internal/pathway"
)

// maxBody bounds every request body but a CSV import's.
const maxBody = 1 << 20

// maxImportBody bounds a CSV import unless the server says otherwise:
// about 300,000 rows of a CMS export.
const maxImportBody = 64 << 20

// validate checks request shapes; its field names are the JSON names.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	must(v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return strings.TrimSpace(fl.Field().String()) != ""
	}))
	// Each closed set of the domain is a tag that accepts exactly its values,
	// so a new rung or role reaches every request without editing a tag.
	for tag, values := range closedSets {
		v.RegisterAlias(tag, "oneof="+strings.Join(values, " "))
	}
	// A password's length bounds come from the domain.
	v.RegisterAlias("password", fmt.Sprintf("min=%d,max=%d", pathway.MinPasswordLength, pathway.MaxPasswordLength))
	// Validate the value inside an optional field; absent and null are nil.
	v.RegisterCustomTypeFunc(func(f reflect.Value) any { return f.Interface().(optional[int]).Value }, optional[int]{})
	v.RegisterCustomTypeFunc(func(f reflect.Value) any { return f.Interface().(optional[string]).Value }, optional[string]{})
	return v
}

// closedSets names the validator tag of each closed set the domain lists, with
// the API values it accepts; field errors name those values.
var closedSets = map[string][]string{
	"rung":           apiValues(pathway.Rungs),
	"strategy":       apiValues(pathway.Strategies),
	"role":           apiValues(pathway.Roles),
	"consent_method": apiValues(pathway.ConsentMethods),
	"consent_scope":  apiValues(pathway.ConsentScopes),
	"body_kind":      apiValues(pathway.BodyKinds),
	"audience":       apiValues(pathway.Audiences),
	"change_type":    apiValues(pathway.ChangeTypes),
	"perspective":    apiValues(pathway.Perspectives),
	"evidence_kind":  apiValues(pathway.EvidenceKinds),
}

// apiValues returns the API value of each member of a closed set, in order.
func apiValues[T any](set []T) []string {
	out := make([]string, len(set))
	for i, v := range set {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// optional is a PATCH field that tells "absent" (leave alone) from null
// (clear it) and from a value.
type optional[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON records that the field was sent, as null or a value.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// update returns nil when the field was absent, else a pointer to its new
// value (itself nil when the field was null).
func (o optional[T]) update() **T {
	if !o.Set {
		return nil
	}
	return &o.Value
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// bindJSON decodes the body into v strictly (unknown fields are refused, so
// that data Pathway must not hold is never silently accepted) and validates it.
func bindJSON(c *gin.Context, v any) error {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		return pathway.Errorf(codeUnsupported, "Send the request body as JSON with Content-Type: application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return pathway.Errorf(codeMalformed, "The request body holds more than one JSON value.")
	}
	return validateStruct(v)
}

// decodeError explains why a body could not be decoded.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return pathway.Errorf(codeMalformed, "The request body is empty; send a JSON object.")
	case errors.As(err, &tooLarge):
		return pathway.Errorf(codeTooLarge, "The request body is larger than %d bytes.", maxBody)
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return pathway.Errorf(codeMalformed, "The request body is not valid JSON: %v.", err)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return pathway.Errorf(codeMalformed, "The request body must be a JSON object.")
		}
		return pathway.Invalid(typ.Field, "must be %s", jsonKind(typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return pathway.Invalid(field, "is not a field of this request")
	}
	return pathway.Errorf(codeMalformed, "The request body could not be read: %v.", err)
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "of another type"
}

// validateStruct turns validator failures into field errors with JSON paths
// such as consent.given_on.
func validateStruct(v any) error {
	err := validate.Struct(v)
	var verrs validator.ValidationErrors
	if err == nil {
		return nil
	} else if !errors.As(err, &verrs) {
		return fmt.Errorf("validate: %w", err)
	}
	perr := &pathway.Error{Code: pathway.EINVALID, Message: "The request has invalid fields."}
	for _, fe := range verrs {
		ns := fe.Namespace()
		if _, rest, ok := strings.Cut(ns, "."); ok {
			ns = rest
		}
		perr.Fields = append(perr.Fields, pathway.FieldError{Field: ns, Message: fieldMessage(fe)})
	}
	return perr
}

func fieldMessage(fe validator.FieldError) string {
	kind := fe.Kind()
	switch fe.ActualTag() {
	case "required", "notblank":
		return "is required"
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "datetime":
		return "must be a date written YYYY-MM-DD"
	case "email":
		return "must be an email address"
	case "min", "gte":
		if kind == reflect.String {
			return fmt.Sprintf("must be at least %s characters", fe.Param())
		} else if kind == reflect.Slice {
			return fmt.Sprintf("must have at least %s items", fe.Param())
		}
		return "must be at least " + fe.Param()
	case "max", "lte":
		if kind == reflect.String {
			return fmt.Sprintf("must be at most %s characters", fe.Param())
		} else if kind == reflect.Slice {
			return fmt.Sprintf("must have at most %s items", fe.Param())
		}
		return "must be at most " + fe.Param()
	case "unique":
		return "must not repeat a value"
	case "gt":
		return "must be greater than " + fe.Param()
	}
	return "is not valid (" + fe.ActualTag() + ")"
}

// bindQuery reads query parameters into v and validates them. A parameter
// v has no field for is refused by name: ignoring it would answer a
// different question than the one asked (a misspelt filter lists everyone).
func bindQuery(c *gin.Context, v any) error {
	if err := refuseUnknownQuery(c, queryNames(reflect.TypeOf(v).Elem())); err != nil {
		return err
	}
	if err := c.ShouldBindQuery(v); err != nil {
		return queryTypeError(c, v)
	}
	return validateStruct(v)
}

// queryNames lists the query parameters a struct reads, by its form tags.
func queryNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for n := range queryNames(f.Type) {
				names[n] = true
			}
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("form"), ","); name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// refuseUnknownQuery answers 422 naming every query parameter not in known.
func refuseUnknownQuery(c *gin.Context, known map[string]bool) error {
	var unknown []string
	for name := range c.Request.URL.Query() {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	perr := &pathway.Error{Code: pathway.EINVALID, Message: "The request has query parameters this address does not take."}
	for _, name := range unknown {
		perr.Fields = append(perr.Fields, pathway.FieldError{Field: name, Message: "is not a query parameter of this address"})
	}
	return perr
}

// queryTypeError names the query parameter that is not of its field's type.
func queryTypeError(c *gin.Context, v any) error {
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("form")
		raw, ok := c.GetQuery(name)
		if !ok {
			continue
		}
		kind := f.Type.Kind()
		if kind == reflect.Pointer {
			kind = f.Type.Elem().Kind()
		}
		if kind >= reflect.Int && kind <= reflect.Int64 {
			if _, err := strconv.ParseInt(raw, 10, 64); err != nil {
				return pathway.Invalid(name, "must be a whole number")
			}
		}
	}
	return pathway.Errorf(pathway.EINVALID, "A query parameter could not be read.")
}

// parseDate reads a date a validator has already checked the form of.
func parseDate(field, s string) (pathway.Date, error) {
	d, err := pathway.ParseDate(s)
	if err != nil {
		return d, pathway.Invalid(field, "must be a date written YYYY-MM-DD")
	}
	return d, nil
}
