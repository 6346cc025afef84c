package words

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"pathway/internal/pathway"
)

// verb is one %-verb of a template: %d, %.2f, %[2]s; %% is none.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// arguments lists, for each argument a template reads, the verb letter it
// is read with, in argument order: what a translation must keep.
func arguments(tmpl string) []string {
	byArg := map[int]string{}
	next := 1
	for _, m := range verb.FindAllStringSubmatch(tmpl, -1) {
		if m[2] == "%" {
			continue
		}
		n := next
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
		}
		byArg[n] = m[2]
		next = n + 1
	}
	out := make([]string, len(byArg))
	for n, v := range byArg {
		if n-1 < len(out) {
			out[n-1] = v
		}
	}
	return out
}

func TestEveryMessageIsInEveryLanguageWithTheSameBlanks(t *testing.T) {
	for _, l := range Langs[1:] {
		for key, en := range english {
			other, ok := catalogues[l][key]
			if !ok {
				t.Errorf("%s has no %s words for %q (English: %q)", l, l, key, en)
				continue
			}
			if a, b := arguments(en), arguments(other); !slices.Equal(a, b) {
				t.Errorf("%q reads its arguments as %v in English but %v in %s", key, a, b, l)
			}
			if a, b := strings.Count(en, "{label}"), strings.Count(other, "{label}"); (a == 0) != (b == 0) {
				t.Errorf("%q names the field's label in one language only", key)
			}
			if strings.TrimSpace(other) == "" {
				t.Errorf("%q has no %s words", key, l)
			} else if other == en {
				t.Errorf("%q is the English words copied into %s: %q", key, l, en)
			}
		}
		for key := range catalogues[l] {
			if _, ok := english[key]; !ok {
				t.Errorf("%q is in %s but not in English", key, l)
			}
		}
	}
}

// producers are the functions of package pathway that make a domain error
// from a message key, and those of this package that put one in words, with
// the position of the key among their arguments.
var producers = map[string]int{"Errorf": 1, "Invalid": 1, "Conflict": 1}

var wordsProducers = map[string]int{"Text": 1, "FieldText": 2}

// httpapiProducers are the functions of package httpapi that take message
// keys, with the positions of the keys among their arguments.
var httpapiProducers = map[string][]int{"tooMany": {2, 3}}

// keyPrefixes are the areas of keys only messages use, so any literal that
// starts with one is a key wherever it is written (handed to a helper, or
// returned by one).
var keyPrefixes = []string{"field.", "request.", "query.", "label.", "title.", "problem.", "import.cell_", "account."}

// use is a message key written in the code, and where.
type use struct {
	key string
	at  string
}

// goFile is one non-test Go file of the module, parsed.
type goFile struct {
	path string
	f    *ast.File
}

// source is the module's Go source, walked and parsed once for every test
// of this package.
var source struct {
	once  sync.Once
	fset  *token.FileSet
	files []goFile
	err   error
}

// root is the module's folder.
var root = filepath.Join("..", "..")

// goFiles returns every non-test Go file of the module, parsed.
func goFiles(t *testing.T) (*token.FileSet, []goFile) {
	t.Helper()
	source.once.Do(func() {
		source.fset = token.NewFileSet()
		source.err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && path != root) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(source.fset, path, nil, 0)
			if err != nil {
				return err
			}
			source.files = append(source.files, goFile{path, f})
			return nil
		})
	})
	if source.err != nil {
		t.Fatal(source.err)
	}
	return source.fset, source.files
}

// filesIn returns the parsed files of one folder below the module's root.
func filesIn(t *testing.T, dir ...string) []goFile {
	t.Helper()
	want := filepath.Join(append([]string{root}, dir...)...)
	_, all := goFiles(t)
	var out []goFile
	for _, gf := range all {
		if filepath.Dir(gf.path) == want {
			out = append(out, gf)
		}
	}
	return out
}

// messageUses reads every non-test Go file of the module and returns the
// message keys it writes: the key of every call of a producer, the Message
// of every pathway.Error and pathway.FieldError literal, and every literal
// in a key-only area. A message written as text where a key belongs is
// returned too, so the test names it.
func messageUses(t *testing.T) (keys []use, fields []use) {
	t.Helper()
	consts := pathwayConsts(t)
	fset, files := goFiles(t)
	for _, gf := range files {
		if filepath.Dir(gf.path) == filepath.Join(root, "internal", "words") {
			continue // this package reads keys; it writes none
		}
		f := gf.f
		inPathway := f.Name.Name == "pathway"
		// str returns the text of a string literal or a pathway.Msg constant.
		str := func(e ast.Expr) (string, bool) {
			switch v := e.(type) {
			case *ast.BasicLit:
				if v.Kind == token.STRING {
					s, err := strconv.Unquote(v.Value)
					return s, err == nil
				}
			case *ast.SelectorExpr:
				if x, ok := v.X.(*ast.Ident); ok && x.Name == "pathway" {
					s, ok := consts[v.Sel.Name]
					return s, ok
				}
			case *ast.Ident:
				if inPathway {
					s, ok := consts[v.Name]
					return s, ok
				}
			}
			return "", false
		}
		// pathwayName reports the name e refers to in package pathway.
		pathwayName := func(e ast.Expr) string {
			switch v := e.(type) {
			case *ast.SelectorExpr:
				if x, ok := v.X.(*ast.Ident); ok && x.Name == "pathway" {
					return v.Sel.Name
				}
			case *ast.Ident:
				if inPathway {
					return v.Name
				}
			}
			return ""
		}
		ast.Inspect(f, func(n ast.Node) bool {
			at := func() string { return fset.Position(n.Pos()).String() }
			// message notes the key e writes, or text built where a key belongs.
			message := func(e ast.Expr) {
				if key, ok := str(e); ok {
					keys = append(keys, use{key, at()})
				} else if built(e) {
					keys = append(keys, use{"text built in the code", at()})
				}
			}
			switch v := n.(type) {
			case *ast.CallExpr:
				if sel, ok := v.Fun.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == "words" {
						if i, ok := wordsProducers[sel.Sel.Name]; ok && len(v.Args) > i {
							if key, ok := str(v.Args[i]); ok {
								keys = append(keys, use{key, at()})
							}
						}
					}
				}
				if id, ok := v.Fun.(*ast.Ident); ok && f.Name.Name == "httpapi" {
					for _, i := range httpapiProducers[id.Name] {
						if i < len(v.Args) {
							message(v.Args[i])
						}
					}
				}
				name := pathwayName(v.Fun)
				i, ok := producers[name]
				if !ok || len(v.Args) <= i {
					return true
				}
				message(v.Args[i])
				if name != "Errorf" {
					if field, ok := str(v.Args[0]); ok {
						fields = append(fields, use{field, at()})
					}
				}
			case *ast.CompositeLit:
				// An element of []pathway.FieldError{...} leaves its type out.
				if name := pathwayName(v.Type); name == "Error" || name == "FieldError" || v.Type == nil {
					for _, el := range v.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
							message(kv.Value)
						}
					}
				}
			case *ast.BasicLit:
				if s, ok := str(v); ok && slices.ContainsFunc(keyPrefixes, func(p string) bool { return strings.HasPrefix(s, p) }) {
					keys = append(keys, use{s, at()})
				}
			}
			return true
		})
	}
	return keys, fields
}

// built reports whether e makes text (a concatenation or a fmt call) where
// a message key belongs.
func built(e ast.Expr) bool {
	switch v := e.(type) {
	case *ast.BinaryExpr:
		return true
	case *ast.CallExpr:
		if sel, ok := v.Fun.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && (x.Name == "fmt" || x.Name == "strings") {
				return true
			}
		}
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "string" {
			return true
		}
	}
	return false
}

// pathwayConsts reads the string constants of package pathway.
func pathwayConsts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, gf := range filesIn(t, "internal", "pathway") {
		ast.Inspect(gf.f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							out[name.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
			return true
		})
	}
	return out
}

func TestEveryMessageTheCodeWritesIsInEveryCatalogue(t *testing.T) {
	keys, _ := messageUses(t)
	if len(keys) < 100 {
		t.Fatalf("found only %d messages in the code; is the walk broken?", len(keys))
	}
	for _, u := range keys {
		for _, l := range Langs {
			if !Has(l, u.key) {
				if strings.ContainsAny(u.key, " ") {
					t.Errorf("%s: a message written as text, not a catalogue key: %q. Give it a key in internal/words/en.go and es.go", u.at, u.key)
					break
				}
				t.Errorf("%s: message %q has no %s words in internal/words", u.at, u.key, l)
			}
		}
	}
}

// requestStruct is the name of a struct a request is read into.
var requestStruct = regexp.MustCompile(`(Request|Patch|Query)$`)

// requestFields returns the JSON and query names of every request struct
// of the API, read from internal/httpapi.
func requestFields(t *testing.T) []use {
	t.Helper()
	var out []use
	fset, _ := goFiles(t)
	for _, gf := range filesIn(t, "internal", "httpapi") {
		f := gf.f
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !requestStruct.MatchString(ts.Name.Name) {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, fld := range st.Fields.List {
				if fld.Tag == nil {
					continue
				}
				tag, _ := strconv.Unquote(fld.Tag.Value)
				for _, k := range []string{"json", "form"} {
					name, _, _ := strings.Cut(reflect.StructTag(tag).Get(k), ",")
					if name != "" && name != "-" {
						out = append(out, use{name, fset.Position(fld.Pos()).String()})
					}
				}
			}
			return true
		})
	}
	return out
}

func TestEveryFieldARequestOrRuleNamesHasALabelInEveryLanguage(t *testing.T) {
	_, fields := messageUses(t)
	fields = append(fields, requestFields(t)...)
	if len(fields) < 50 {
		t.Fatalf("found only %d fields; is the walk broken?", len(fields))
	}
	for _, u := range fields {
		for _, l := range Langs {
			if got, unknown := Label(l, u.key), Text(l, "label.unknown"); got == unknown {
				t.Errorf("%s: field %q has no label in %s", u.at, u.key, l)
			}
		}
	}
}

func TestTheLanguageIsTheBestAcceptLanguageMatchElseEnglish(t *testing.T) {
	tests := []struct {
		header string
		want   Lang
	}{
		{"", English},
		{"es", Spanish},
		{"es-MX", Spanish},
		{"es-419,es;q=0.9", Spanish},
		{"en-GB", English},
		{"en-US,en;q=0.9", English},
		{"fr", English},
		{"fr-CA, fr;q=0.9", English},
		{"fr, es;q=0.5", Spanish},
		{"en;q=0.3, es;q=0.8", Spanish},
		{"es;q=0.2, en;q=0.9", English},
		{"de, en;q=0.1", English},
		{"*", English},
		{"es;q=0", English},
		{"not a language ,,; q=x", English},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := Negotiate(tt.header); got != tt.want {
				t.Errorf("Negotiate(%q) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

func TestAMessageNamesItsFieldByLabelAndFillsItsArguments(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		fe   pathway.FieldError
		want string
	}{
		{"a nested field by its own label", English, pathway.FieldError{Field: "consent.given_on", Message: "date.future"}, "“Date consent was given” cannot be in the future."},
		{"a list member by the list's label", Spanish, pathway.FieldError{Field: "consent.scopes[0]", Message: "field.oneof"}, "Elija una de las opciones de “Aceptó”."},
		{"another field's label when the rule was that field's", English, pathway.FieldError{Field: "participant_ids[3]", Message: "date.before_consent", Args: []any{pathway.NewDate(2026, 1, 5)}, Label: "occurred_on"}, "“Date” cannot be before consent was given (2026-01-05)."},
		{"arguments out of order in Spanish", Spanish, pathway.FieldError{Field: "seats", Message: "body.seats_below_held", Args: []any{4, pathway.NewDate(2026, 3, 1), 3}}, "El 2026-03-01 hay 4 cargos ocupados; termine algunos periodos antes de bajar los puestos a 3."},
		{"a closed set in the reader's words", Spanish, pathway.FieldError{Field: "header", Message: "import.header_mismatch", Args: []any{pathway.ImportEngagements}}, "La primera fila del archivo no corresponde a una importación de participaciones."},
		{"text that is no key is shown as it is", Spanish, pathway.FieldError{Field: "x", Message: "Written by hand."}, "Written by hand."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Field(tt.lang, tt.fe); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSpanishNumbersAreWrittenTheSpanishWay(t *testing.T) {
	err := pathway.Invalid("period", "release.budget", 0.5, "2026", 0.25, 20.0)
	got := Explain(Spanish, err).Fields[0].Message
	if want := "Publicar esto gastaría ε 0,50, pero al año 2026 solo le quedan 0,25 de sus 20,00. No se publicó nada."; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestAFaultOfOursSaysNothingOfItself(t *testing.T) {
	for _, l := range Langs {
		p := Explain(l, os.ErrPermission)
		if p.Detail != Text(l, pathway.MsgInternal) || len(p.Fields) != 0 {
			t.Errorf("%s: %+v", l, p)
		}
	}
}

// dynamic are the areas of keys the code builds from a code or a field's
// name rather than writes.
var dynamic = []string{"title.", "label.", "value."}

func TestEveryMessageInTheCataloguesIsStillUsed(t *testing.T) {
	keys, _ := messageUses(t)
	used := map[string]bool{}
	for _, u := range keys {
		used[u.key] = true
	}
	for key := range english {
		if !used[key] && !slices.ContainsFunc(dynamic, func(p string) bool { return strings.HasPrefix(key, p) }) {
			t.Errorf("%q is in the catalogues but no code writes it; remove it, or use it", key)
		}
	}
}
