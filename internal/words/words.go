// Package words holds the server's message catalogues, one per language,
// and puts a domain error into the words of the language a reader asks for.
// Code refers to messages by key (see pathway.Error); the words are here.
package words

import (
	"errors"
	"maps"
	"regexp"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"pathway/internal/pathway"
)

// Lang is a language Pathway speaks, as the domain declares them.
type Lang = pathway.Language

// The languages Pathway speaks; English is the default.
const (
	English = pathway.English
	Spanish = pathway.Spanish
)

// Langs lists the languages, the default first, as the matcher prefers them.
var Langs = pathway.Languages

// catalogues holds every language's messages by key.
var catalogues = map[Lang]map[string]string{English: english, Spanish: spanish}

var (
	matcher  = language.NewMatcher(tags(Langs))
	printers = map[Lang]*message.Printer{}
)

func init() {
	for _, l := range Langs {
		printers[l] = message.NewPrinter(language.MustParse(string(l)))
	}
}

// tags returns the BCP 47 tag of each language.
func tags(ls []Lang) []language.Tag {
	out := make([]language.Tag, len(ls))
	for i, l := range ls {
		out[i] = language.MustParse(string(l))
	}
	return out
}

// Negotiate picks the language an Accept-Language header asks for: the
// best of Pathway's languages by the header's order and q-values, English
// when none is acceptable or the header is absent or unreadable.
func Negotiate(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Langs[i]
}

// template returns the words of key in l: the English ones when l has none
// (a test keeps that from shipping), and key itself when it is no key at all
// but a text written where a key belongs.
func template(l Lang, key string) string {
	if t, ok := catalogues[l][key]; ok {
		return t
	}
	if t, ok := english[key]; ok {
		return t
	}
	return key
}

// Has reports whether l's catalogue holds key.
func Has(l Lang, key string) bool {
	_, ok := catalogues[l][key]
	return ok
}

// Text returns the message key in l, its %-verbs filled by args.
func Text(l Lang, key string, args ...any) string {
	return render(l, template(l, key), "", args)
}

// FieldText returns a field's message key in l, with {label} the label of
// the field (a request path such as consent.given_on or speaker_ids[2]).
func FieldText(l Lang, field, key string, args ...any) string {
	return render(l, template(l, key), field, args)
}

// Field returns the text of a field error in l. Its {label} names fe.Label
// when set (the field whose rule failed, when the error is reported on
// another), else fe.Field.
func Field(l Lang, fe pathway.FieldError) string {
	field := fe.Field
	if fe.Label != "" {
		field = fe.Label
	}
	return FieldText(l, field, fe.Message, fe.Args...)
}

// indexes are the [n] of a path's list members.
var indexes = regexp.MustCompile(`\[\d+\]`)

// Label returns the label of a field in l, as the forms show it: the label
// of its whole path (consent.given_on) or else of its last part (given_on),
// list positions left out; a field with no label reads "this field".
func Label(l Lang, field string) string {
	path := indexes.ReplaceAllString(field, "")
	if t, ok := label(l, path); ok {
		return t
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		if t, ok := label(l, path[i+1:]); ok {
			return t
		}
	}
	return template(l, "label.unknown")
}

func label(l Lang, name string) (string, bool) {
	if t, ok := catalogues[l]["label."+name]; ok {
		return t, true
	}
	t, ok := english["label."+name]
	return t, ok
}

// render fills a template: {label} with the field's label, the %-verbs with
// args (the domain's closed sets in their words), and numbers as l writes
// them.
func render(l Lang, tmpl, field string, args []any) string {
	if strings.Contains(tmpl, "{label}") {
		tmpl = strings.ReplaceAll(tmpl, "{label}", Label(l, field))
	}
	if len(args) == 0 && !strings.Contains(tmpl, "%") {
		return tmpl
	}
	local := make([]any, len(args))
	for i, a := range args {
		local[i] = arg(l, a)
	}
	return printers[l].Sprintf(tmpl, local...)
}

// arg puts a value of a closed set into l's words; other values are left
// to the printer.
func arg(l Lang, a any) any {
	switch v := a.(type) {
	case pathway.ImportKind:
		return Text(l, "value.import_kind."+string(v))
	case pathway.Date:
		return v.String()
	}
	return a
}

// Problem is an error in one language: the detail and each field's message.
type Problem struct {
	Detail string
	Fields []pathway.FieldError // Message holds the words, Args nothing
}

// Explain puts err in l: its detail and field messages. An error that is not
// a domain error reads as the generic fault message, so no detail leaks.
func Explain(l Lang, err error) Problem {
	var e *pathway.Error
	if !errors.As(err, &e) {
		return Problem{Detail: Text(l, pathway.MsgInternal)}
	}
	p := Problem{Detail: Text(l, e.Message, e.Args...)}
	for _, fe := range e.Fields {
		p.Fields = append(p.Fields, pathway.FieldError{Field: fe.Field, Message: Field(l, fe)})
	}
	return p
}

// Describe puts err in one line of English, for a person at a terminal: the
// field messages when it has any (each names its field), else its detail.
func Describe(err error) string {
	p := Explain(English, err)
	if len(p.Fields) == 0 {
		return p.Detail
	}
	msgs := make([]string, len(p.Fields))
	for i, fe := range p.Fields {
		msgs[i] = fe.Message
	}
	return strings.Join(msgs, " ")
}

// Title returns the title of a problem with the given code in l.
func Title(l Lang, code string) string {
	return Text(l, "title."+code)
}

// Catalogue returns a copy of l's messages by key, for a test that looks for
// one language's words where another's belong.
func Catalogue(l Lang) map[string]string {
	return maps.Clone(catalogues[l])
}
