// Package examples embeds the example repositories so that the inquest
// binary can show one wherever it is installed (`inquest serve --example`).
package examples

import (
	"embed"
	"io/fs"
)

//go:embed acme.history.txtar acme/inquest.yaml acme/services.yaml acme/postmortems acme/templates
var files embed.FS

// AcmeHistoryName is the name of the Acme example's history archive, for
// messages.
const AcmeHistoryName = "examples/acme.history.txtar"

// Acme returns the example repository of a fictional shop: history is its
// Git history as a txtar archive of files and Git steps (the format of
// package pkg/internal/replay), and final holds the files of examples/acme,
// which the archive's "$ final" steps write.
func Acme() (history []byte, final fs.FS) {
	history, err := files.ReadFile("acme.history.txtar")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	final, err = fs.Sub(files, "acme")
	if err != nil {
		panic(err)
	}
	return history, final
}
