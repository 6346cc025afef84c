// Package static holds the web app, embedded into the binary so that it
// works offline with no build step.
package static

import "embed"

// FS holds the web app's files.
//
//go:embed *.html *.css *.js js
var FS embed.FS
