package httpapi

import (
	"bytes"
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
	"unicode/utf8"

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
	must(v.RegisterValidation("date", func(fl validator.FieldLevel) bool {
		_, err := pathway.ParseDate(fl.Field().String())
		return err == nil
	}))
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

// acceptsNull marks optional fields for the strict decoder: null clears them.
func (optional[T]) acceptsNull() {}

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

// bindJSON decodes the body into v strictly and validates it. It refuses,
// with a message naming the field, what encoding/json lets through:
// invalid UTF-8 and NUL characters, duplicate keys, keys whose case differs
// from the field's name, null for a field that is not nullable, unknown
// fields (so that data Pathway must not hold is never silently accepted)
// and anything after the JSON object.
func bindJSON(c *gin.Context, v any) error {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		return pathway.Errorf(codeUnsupported, "request.not_json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	if err != nil {
		return decodeError(err)
	}
	if err := decodeStrict(body, v); err != nil {
		return err
	}
	return validateStruct(v)
}

// decodeStrict decodes body, one JSON object, into v, which points to a
// request struct, after checking it token by token against v's type.
func decodeStrict(body []byte, v any) error {
	w := &strictWalker{body: body, dec: json.NewDecoder(bytes.NewReader(body))}
	t := reflect.TypeOf(v).Elem()
	tok, err := w.token("")
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return pathway.Errorf(codeMalformed, "request.not_object")
	}
	if err := w.object(t, ""); err != nil {
		return err
	}
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		return pathway.Errorf(codeMalformed, "request.trailing")
	}
	if w.err != nil {
		return w.err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	return nil
}

// strictWalker reads a body's JSON tokens, checking each against the Go
// type it will be decoded into.
type strictWalker struct {
	body []byte
	dec  *json.Decoder
	end  int64 // where the previous token ended
	err  error // the first field refused; the walk goes on to find bad syntax
}

// refuse records a field error, unless one was found already.
func (w *strictWalker) refuse(err error) {
	if w.err == nil {
		w.err = err
	}
}

// nullable is implemented by field types that take null as a value.
type nullable interface{ acceptsNull() }

var nullableType = reflect.TypeFor[nullable]()

// token reads the next token, refusing invalid UTF-8 or NUL characters in
// it; field names where it belongs. It returns only syntax errors.
func (w *strictWalker) token(field string) (json.Token, error) {
	tok, err := w.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) && w.end > 0 {
			err = io.ErrUnexpectedEOF // the body ends inside its object
		}
		return nil, decodeError(err)
	}
	start, end := w.end, w.dec.InputOffset()
	w.end = end
	if str, ok := tok.(string); ok {
		raw := w.body[start:end]
		switch {
		case !utf8.Valid(raw) || replaced(str, raw):
			w.refuse(fieldOrMalformed(field, "field.utf8", "request.utf8"))
		case strings.ContainsRune(str, 0):
			w.refuse(fieldOrMalformed(field, "field.nul", "request.nul"))
		}
	}
	return tok, nil
}

// replaced reports whether decoding put a replacement character in str that
// raw does not hold, as it does for an escaped lone surrogate ("\ud800").
func replaced(str string, raw []byte) bool {
	if !strings.ContainsRune(str, utf8.RuneError) {
		return false
	}
	return !bytes.ContainsRune(raw, utf8.RuneError) && !bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`))
}

// fieldOrMalformed is a field error, or a malformed body when no field is
// known: the message fieldKey or bodyKey.
func fieldOrMalformed(field, fieldKey, bodyKey string) error {
	if field == "" {
		return pathway.Errorf(codeMalformed, bodyKey)
	}
	return pathway.Invalid(field, fieldKey)
}

// jsonFields maps the exact JSON names of t's fields to the fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

// join names a member of the object at path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// value walks one value decoded into t (nil when its shape is not known);
// null is refused unless nullOK or t takes null itself.
func (w *strictWalker) value(t reflect.Type, nullOK bool, path string) error {
	if t != nil && t.Implements(nullableType) {
		nullOK = true
		t = t.Field(1).Type.Elem() // optional[T].Value is *T
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(jsonUnmarshaler)) {
		t = nil // decoded by its own rules
	}
	tok, err := w.token(path)
	if err != nil {
		return err
	}
	switch tok {
	case nil:
		if !nullOK && t != nil {
			w.refuse(pathway.Invalid(path, "field.null"))
		}
	case json.Delim('{'):
		return w.object(t, path)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, false, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := w.token(path) // ']'
		return err
	}
	return nil
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// unknownField refuses key, saying when it differs from a field only in case.
func unknownField(fields map[string]reflect.StructField, path, key string) error {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return pathway.Invalid(join(path, key), "field.wrong_case")
		}
	}
	return pathway.Invalid(join(path, key), "field.unknown")
}

// object walks the members of an object whose '{' was just read, decoded
// into t (nil when its shape is not known).
func (w *strictWalker) object(t reflect.Type, path string) error {
	var fields map[string]reflect.StructField
	var elem reflect.Type
	if t != nil {
		switch {
		case t.Kind() == reflect.Struct:
			fields = jsonFields(t)
		case t.Kind() == reflect.Map:
			elem = t.Elem()
		}
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.token(path)
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		field := join(path, key)
		if seen[key] {
			w.refuse(pathway.Invalid(field, "field.duplicate"))
		}
		seen[key] = true
		vt, nullOK := elem, false
		if fields != nil {
			if f, ok := fields[key]; ok {
				vt, nullOK = f.Type, f.Tag.Get("nullable") == "true"
			} else {
				w.refuse(unknownField(fields, path, key))
			}
		}
		if err := w.value(vt, nullOK, field); err != nil {
			return err
		}
	}
	_, err := w.token(path) // '}'
	return err
}

// decodeError explains why a body could not be decoded.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return pathway.Errorf(codeMalformed, "request.empty")
	case errors.As(err, &tooLarge):
		return pathway.Errorf(codeTooLarge, "request.too_large", maxBody>>20)
	case errors.As(err, &syntax):
		return pathway.Errorf(codeMalformed, "request.syntax", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return pathway.Errorf(codeMalformed, "request.cut_short")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return pathway.Errorf(codeMalformed, "request.not_object")
		}
		return pathway.Invalid(typ.Field, kindMessage(typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return pathway.Invalid(field, "field.unknown")
	}
	return pathway.Errorf(codeMalformed, "request.unreadable")
}

// kindMessage says what a value decoded into t must be, in the words a
// person filling a form thinks in.
func kindMessage(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "field.type_text"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "field.type_whole_number"
	case reflect.Bool:
		return "field.type_bool"
	case reflect.Slice:
		return "field.type_list"
	case reflect.Struct, reflect.Map:
		return "field.type_object"
	}
	return "field.type_other"
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
	perr := &pathway.Error{Code: pathway.EINVALID, Message: pathway.MsgInvalidFields}
	for _, fe := range verrs {
		ns := fe.Namespace()
		if _, rest, ok := strings.Cut(ns, "."); ok {
			ns = rest
		}
		key, args := fieldMessage(fe)
		perr.Fields = append(perr.Fields, pathway.FieldError{Field: ns, Message: key, Args: args})
	}
	return perr
}

// fieldMessage is the message key of a validator failure, and what fills
// it; the message names the field by its label.
func fieldMessage(fe validator.FieldError) (string, []any) {
	kind := fe.Kind()
	switch fe.ActualTag() {
	case "required", "notblank":
		if kind == reflect.Slice {
			return "field.choose_one", nil
		}
		return "field.required", nil
	case "oneof":
		return "field.oneof", nil
	case "date", "datetime":
		return "field.date", []any{pathway.MinDate}
	case "email":
		return "field.email", nil
	case "min", "gte":
		if kind == reflect.String {
			return "field.min_chars", []any{fe.Param()}
		} else if kind == reflect.Slice {
			if fe.Param() == "1" {
				return "field.choose_one", nil
			}
			return "field.min_items", []any{fe.Param()}
		}
		return "field.min", []any{fe.Param()}
	case "max", "lte":
		if kind == reflect.String {
			return "field.max_chars", []any{fe.Param()}
		} else if kind == reflect.Slice {
			return "field.max_items", []any{fe.Param()}
		}
		return "field.max", []any{fe.Param()}
	case "unique":
		return "field.unique", nil
	case "gt":
		if fe.Param() == "0" {
			return "field.positive", nil
		}
		return "field.gt", []any{fe.Param()}
	}
	return "field.invalid", nil
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
	perr := &pathway.Error{Code: pathway.EINVALID, Message: "query.unknown_detail"}
	for _, name := range unknown {
		perr.Fields = append(perr.Fields, pathway.FieldError{Field: name, Message: "query.unknown"})
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
				return pathway.Invalid(name, "field.type_whole_number")
			}
		}
	}
	return pathway.Errorf(pathway.EINVALID, "query.unreadable")
}

// parseDate reads a date a validator has already checked the form of.
func parseDate(field, s string) (pathway.Date, error) {
	d, err := pathway.ParseDate(s)
	if err != nil {
		return d, pathway.Invalid(field, "field.date", pathway.MinDate)
	}
	return d, nil
}
