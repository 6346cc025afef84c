package httpapi_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pathway/internal/pathway"
	"pathway/internal/words"
)

// badInput is one kind of bad request, sent as the role says.
type badInput struct {
	name string
	req  request
}

// badInputs drives every producer of problem words: request-shape rules,
// the strict decoder, query binding, domain and store rules, routing and
// authentication.
func badInputs(e *env, p pathway.Participant, scopedToken string, progB int64) []badInput {
	with := func(edit func(m map[string]any)) map[string]any {
		m := e.participantBody("CMS-NEW-1", "Rosa")
		edit(m)
		return m
	}
	consent := func(k string, v any) map[string]any {
		return with(func(m map[string]any) { m["consent"].(map[string]any)[k] = v })
	}
	staff := func(method, path string, body any) request {
		return request{Method: method, Path: path, Body: body, Role: pathway.RoleStaff}
	}
	raw := func(method, path, body string) request {
		return request{Method: method, Path: path, Body: body, Role: pathway.RoleStaff}
	}
	pp := path("/participants/%d", p.ID)
	csv := http.Header{"Content-Type": {"text/csv"}}
	var b pathway.Body
	e.as(pathway.RoleCoordinator, "POST", path("/bodies"), map[string]any{"name": "Words board", "kind": "advisory_board"}).must(e.t, 201).decode(e.t, &b)
	board := b.ID
	return []badInput{
		// request shape (validator tags)
		{"required fields", staff("POST", path("/participants"), map[string]any{})},
		{"no scope ticked", staff("POST", path("/participants"), consent("scopes", []string{}))},
		{"a value outside a closed set", staff("POST", path("/participants"), with(func(m map[string]any) { m["rung"] = "boss" }))},
		{"a date in another form", staff("POST", path("/participants"), consent("given_on", "yesterday"))},
		{"text too long", staff("POST", path("/participants"), with(func(m map[string]any) { m["display_name"] = strings.Repeat("a", 101) }))},
		{"a repeated choice", staff("POST", path("/programs"), map[string]any{"name": "Choir", "rung": "member", "strategies": []string{"education", "education"}})},
		{"not an email", request{Method: "POST", Path: path("/users"), Role: pathway.RoleAdmin, Body: map[string]any{"email": "nope", "role": "staff", "password": "short"}}},
		{"a number out of range", staff("POST", path("/participants/%d/capacity-checkins", p.ID), map[string]any{"assessed_on": e.today.String(), "perspective": "staff", "self_advocacy": 9, "root_cause_analysis": 1, "leadership": 0})},
		// strict decoding
		{"an unknown field", raw("PATCH", pp, `{"birth_date": "1990-01-01"}`)},
		{"a key in capitals", raw("PATCH", pp, `{"DISPLAY_NAME": "Ana"}`)},
		{"a duplicate key", raw("PATCH", pp, `{"display_name": "A", "display_name": "B"}`)},
		{"null", raw("PATCH", pp, `{"display_name": null}`)},
		{"invalid UTF-8", raw("PATCH", pp, "{\"display_name\": \"Ana \xff\"}")},
		{"NUL", raw("PATCH", pp, `{"display_name": "Ana\u0000"}`)},
		{"a number for text", raw("PATCH", pp, `{"display_name": 5}`)},
		{"data after the object", raw("PATCH", pp, `{"display_name": "Ana"} {}`)},
		{"broken JSON", raw("PATCH", pp, `{"display_name": }`)},
		{"JSON cut short", raw("PATCH", pp, `{"display_name": "Ana"`)},
		{"not an object", raw("PATCH", pp, `[1]`)},
		{"an empty body", raw("PATCH", pp, ``)},
		{"not sent as JSON", request{Method: "PATCH", Path: pp, Role: pathway.RoleStaff, Body: `{}`, Header: http.Header{"Content-Type": {"text/plain"}}}},
		{"a body too large", raw("PATCH", pp, `{"display_name": "`+strings.Repeat("a", 1<<20)+`"}`)},
		// query binding
		{"an unknown query parameter", staff("GET", path("/participants?bogus=1"), nil)},
		{"a query parameter not a number", staff("GET", path("/participants?limit=ten"), nil)},
		{"a cursor not given out", staff("GET", path("/participants?cursor=zzz"), nil)},
		// domain and store rules
		{"consent in the future", staff("POST", path("/participants"), consent("given_on", e.today.AddDays(3).String()))},
		{"consent without tracking", staff("POST", path("/participants"), consent("scopes", []string{"public_story"}))},
		{"a case-management ID already followed", staff("POST", path("/participants"), e.participantBody(p.ExternalRef, "Someone"))},
		{"a placement before consent", staff("POST", path("/participants/%d/placements", p.ID), map[string]any{"rung": "member", "effective_on": e.today.AddDays(-4000).String()})},
		{"a program that does not exist", staff("POST", path("/participants"), e.participantBody("CMS-NEW-2", "Rosa", 999999))},
		{"leaving one's own caseload", request{Method: "POST", Path: path("/participants"), Token: scopedToken, Body: e.participantBody("CMS-NEW-3", "Rosa", progB)}},
		{"a period in another form", request{Method: "POST", Path: path("/releases"), Role: pathway.RoleAdmin, Body: map[string]any{"period": "last spring"}}},
		{"a webhook to a private address", request{Method: "POST", Path: path("/webhooks"), Role: pathway.RoleAdmin, Body: map[string]any{"url": "https://127.0.0.1/hook", "events": []string{"participant.created"}}}},
		{"an import not sent as CSV", request{Method: "POST", Path: path("/imports?kind=participants"), Role: pathway.RoleAdmin, Body: `{}`}},
		{"a CSV header Pathway does not take", request{Method: "POST", Path: path("/imports?kind=participants"), Role: pathway.RoleAdmin, Body: "external_ref,Date of birth\nX,1990-01-01\n", Header: csv}},
		{"a column map that cannot be read", request{Method: "POST", Path: path("/imports?kind=engagements&map=nonsense"), Role: pathway.RoleAdmin, Body: "external_ref\nX\n", Header: csv}},
		{"a period not over yet", request{Method: "POST", Path: path("/releases"), Role: pathway.RoleAdmin, Body: map[string]any{"period": e.today.String()[:7]}}},
		{"a release not published yet", request{Method: "GET", Path: path("/releases/%s", e.today.String()[:7]), Role: pathway.RoleLeadership}},
		{"a talk at a body that is no bureau", request{Method: "POST", Path: path("/bodies/%d/speaking-engagements", board), Role: pathway.RoleCoordinator, Body: map[string]any{"held_on": e.today.String(), "audience": "media", "topic": "Housing", "speaker_ids": []int64{p.ID}}}},
		{"a role that ends before it starts", request{Method: "POST", Path: path("/bodies/%d/roles", board), Role: pathway.RoleCoordinator, Body: map[string]any{"participant_id": p.ID, "title": "Member", "starts_on": e.today.String(), "ends_on": e.today.AddDays(-1).String()}}},
		// routing and authentication
		{"an address with nothing there", staff("GET", path("/nowhere"), nil)},
		{"an id that is not a number", staff("GET", path("/participants/abc"), nil)},
		{"a record that is not there", staff("GET", path("/participants/999999"), nil)},
		{"a method the address does not take", staff("PUT", path("/ladder"), nil)},
		{"no credentials", request{Method: "GET", Path: path("/participants")}},
		{"a role without access", request{Method: "GET", Path: path("/participants"), Role: pathway.RoleLeadership}},
		{"a wrong password", request{Method: "POST", Path: path("/session"), Body: map[string]any{"email": "nobody@example.org", "password": "not the password"}}},
		{"an idempotency key too long", request{Method: "POST", Path: path("/programs"), Role: pathway.RoleAdmin, Body: map[string]any{"name": "Choir", "rung": "member"}, Header: http.Header{"Idempotency-Key": {strings.Repeat("k", 300)}}}},
	}
}

// send makes r in the language lang asks for and returns its problem.
func send(t *testing.T, e *env, r request, acceptLanguage string) (*response, []string) {
	t.Helper()
	r.Header = r.Header.Clone()
	if r.Header == nil {
		r.Header = http.Header{}
	}
	if acceptLanguage != "" {
		r.Header.Set("Accept-Language", acceptLanguage)
	}
	res := e.call(r)
	if res.Code < 400 {
		t.Fatalf("status %d, want a problem; body %s", res.Code, res.Body)
	}
	p := res.problem(t)
	texts := []string{p.Title, p.Detail}
	for _, fe := range p.Errors {
		texts = append(texts, fe.Message)
	}
	return res, texts
}

// englishFragments are the pieces of English catalogue text that no
// Spanish text holds: any of them in a Spanish answer is English left over.
func englishFragments() []string {
	en, es := words.Catalogue(words.English), words.Catalogue(words.Spanish)
	var spanish strings.Builder
	for k, v := range es {
		if v != en[k] { // a copy of the English is no Spanish
			spanish.WriteString(v + "\n")
		}
	}
	blank := regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z]|\{label\}|[“”()]`)
	var out []string
	for key, v := range en {
		for _, piece := range blank.Split(v, -1) {
			piece = strings.Trim(piece, " .,;:")
			short := len(piece) < 8 || !strings.Contains(piece, " ")
			if strings.HasPrefix(key, "label.") {
				short = !strings.Contains(piece, " ") // one word may be the answer's data
			}
			if short || strings.Contains(spanish.String(), piece) {
				continue
			}
			out = append(out, piece)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// apiName is a field name as the API writes it: snake_case or a path.
var apiName = regexp.MustCompile(`^[a-z]+(?:_[a-z]+)+$|\.`)

func TestEveryKindOfBadInputIsAnsweredInSpanishWhenAskedWithNoEnglishLeft(t *testing.T) {
	e := newEnv(t)
	progA, progB := e.program("Choir", pathway.Member), e.program("Garden", pathway.Follower)
	_, scopedToken := e.newAccount("scoped.words@example.org", pathway.RoleStaff, progA)
	p := e.participant("CMS-WORDS-1", "Lucía", progA)
	fragments := englishFragments()
	if len(fragments) < 100 {
		t.Fatalf("only %d English fragments to look for", len(fragments))
	}
	for _, in := range badInputs(e, p, scopedToken, progB) {
		t.Run(in.name, func(t *testing.T) {
			es, esTexts := send(t, e, in.req, "es-MX, es;q=0.9, en;q=0.5")
			if got := es.Header.Get("Content-Language"); got != "es" {
				t.Errorf("Content-Language %q, want es", got)
			}
			if !slices.Contains(es.Header.Values("Vary"), "Accept-Language") {
				t.Errorf("Vary %q does not name Accept-Language", es.Header.Values("Vary"))
			}
			for _, text := range esTexts {
				for _, f := range fragments {
					if strings.Contains(text, f) {
						t.Errorf("Spanish answer %q holds the English %q", text, f)
					}
				}
				if strings.Contains(text, "“"+words.Text(words.Spanish, "label.unknown")+"”") {
					t.Errorf("Spanish answer %q names a field with no label", text)
				}
			}
			en, enTexts := send(t, e, in.req, "")
			if got := en.Header.Get("Content-Language"); got != "en" {
				t.Errorf("Content-Language %q without Accept-Language, want en", got)
			}
			if en.Code != es.Code || en.problem(t).Type != es.problem(t).Type {
				t.Errorf("English answer %d %s, Spanish %d %s: the language changed the problem", en.Code, en.problem(t).Type, es.Code, es.problem(t).Type)
			}
			if len(enTexts) != len(esTexts) {
				t.Fatalf("English answer %q, Spanish %q: the language changed the problem", enTexts, esTexts)
			}
			for i := range enTexts {
				if enTexts[i] == esTexts[i] {
					t.Errorf("%q is the same in both languages: it has no Spanish words", esTexts[i])
				}
			}
			if strings.HasPrefix(in.req.Path, path("/imports")) {
				return // a CSV column is named as the file must head it
			}
			for _, res := range []*response{en, es} {
				for _, fe := range res.problem(t).Errors {
					if !apiName.MatchString(fe.Field) {
						continue
					}
					for _, part := range strings.FieldsFunc(fe.Field, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
						if strings.Contains(part, "_") && strings.Contains(fe.Message, part) {
							t.Errorf("the message of %s names it by its API name: %q", fe.Field, fe.Message)
						}
					}
				}
			}
		})
	}
}

func TestTheWordsOfProblemsUseTheFormsLabelsNeverAPINamesOrIDs(t *testing.T) {
	e := newEnv(t)
	progA, progB := e.program("Choir", pathway.Member), e.program("Garden", pathway.Follower)
	_, scopedToken := e.newAccount("scoped.words@example.org", pathway.RoleStaff, progA)
	p := e.participant("CMS-WORDS-1", "Lucía", progA)
	body := func(edit func(m map[string]any)) map[string]any {
		m := e.participantBody("CMS-WORDS-2", "Rosa", progA)
		edit(m)
		return m
	}
	tests := []struct {
		name   string
		req    request
		lang   string
		field  string
		want   string
		detail string
	}{
		{"a case-management ID already followed", request{Method: "POST", Path: path("/participants"), Role: pathway.RoleStaff, Body: e.participantBody(p.ExternalRef, "Someone")}, "",
			"external_ref", "Pathway already follows a participant with this case-management ID.", ""},
		{"the same in Spanish", request{Method: "POST", Path: path("/participants"), Role: pathway.RoleStaff, Body: e.participantBody(p.ExternalRef, "Someone")}, "es",
			"external_ref", "Pathway ya da seguimiento a una persona con este ID del sistema de casos.", ""},
		{"no scope ticked", request{Method: "POST", Path: path("/participants"), Role: pathway.RoleStaff, Body: body(func(m map[string]any) { m["consent"].(map[string]any)["scopes"] = []string{} })}, "",
			"consent.scopes", "Choose at least one option for “They agreed to”.", ""},
		{"no scope ticked, in Spanish", request{Method: "POST", Path: path("/participants"), Role: pathway.RoleStaff, Body: body(func(m map[string]any) { m["consent"].(map[string]any)["scopes"] = []string{} })}, "es",
			"consent.scopes", "Elija al menos una opción en “Aceptó”.", ""},
		{"leaving one's own caseload names no program ids", request{Method: "POST", Path: path("/participants"), Token: scopedToken, Body: e.participantBody("CMS-WORDS-3", "Rosa", progB)}, "",
			"program_ids", "Keep them in at least one of your own programs, or you could no longer see this person.", ""},
		{"a required field by its label", request{Method: "POST", Path: path("/participants"), Role: pathway.RoleStaff, Body: body(func(m map[string]any) { delete(m, "display_name") })}, "",
			"display_name", "“Preferred name” is required.", "Some details need another look; each is described with its field."},
		{"a date in the future by its label", request{Method: "POST", Path: path("/participants"), Role: pathway.RoleStaff, Body: body(func(m map[string]any) { m["consent"].(map[string]any)["given_on"] = e.today.AddDays(2).String() })}, "es",
			"consent.given_on", "“Fecha en que dio su consentimiento” no puede ser una fecha futura.", "Hay datos que revisar; cada uno se explica junto a su campo."},
		{"an unknown record names no id", request{Method: "GET", Path: path("/participants/999999"), Role: pathway.RoleStaff}, "",
			"", "", "This person is not among those you may see."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := send(t, e, tt.req, tt.lang)
			if tt.field != "" {
				if got := res.fieldMessage(t, tt.field); got != tt.want {
					t.Errorf("message of %s:\n got %q\nwant %q", tt.field, got, tt.want)
				}
			}
			if tt.detail != "" {
				if got := res.problem(t).Detail; got != tt.detail {
					t.Errorf("detail:\n got %q\nwant %q", got, tt.detail)
				}
			}
			for _, fe := range res.problem(t).Errors {
				if regexp.MustCompile(`\d`).MatchString(fe.Message) {
					t.Errorf("the message of %s holds a number, perhaps an id: %q", fe.Field, fe.Message)
				}
			}
		})
	}
}

func TestAProblemSpeaksTheLanguageAcceptLanguageAsksFor(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		header string
		lang   string
		detail string
	}{
		{"", "en", "There is nothing at this address."},
		{"es", "es", "No hay nada en esta dirección."},
		{"es-MX", "es", "No hay nada en esta dirección."},
		{"en-GB", "en", "There is nothing at this address."},
		{"fr", "en", "There is nothing at this address."},
		{"fr, es;q=0.5", "es", "No hay nada en esta dirección."},
		{"es;q=0.3, en;q=0.7", "en", "There is nothing at this address."},
		{"en;q=0.1, es-419;q=0.9", "es", "No hay nada en esta dirección."},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			res := e.call(request{Method: "GET", Path: path("/nowhere"), Role: pathway.RoleStaff, Header: http.Header{"Accept-Language": {tt.header}}}).must(t, 404)
			if got := res.Header.Get("Content-Language"); got != tt.lang {
				t.Errorf("Content-Language %q, want %q", got, tt.lang)
			}
			if got := res.problem(t).Detail; got != tt.detail {
				t.Errorf("detail %q, want %q", got, tt.detail)
			}
		})
	}
}
