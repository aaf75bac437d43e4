// Package builtin holds inquest's built-in postmortem template: the file
// `inquest init` writes to templates/postmortem.md and `inquest new` fills
// in when a repository has none. It stands apart from package scaffold so
// that the parser, which compares postmortems with the template, does not
// link text/template (and the reflection it keeps alive) into every binary
// that parses, the WebAssembly search runtime among them.
package builtin

import _ "embed"

// Path is the repository-relative path of a repository's own template.
const Path = "templates/postmortem.md"

//go:embed postmortem.md
var template string

// Template returns the built-in template.
func Template() []byte { return []byte(template) }
