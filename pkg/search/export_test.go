package search

// Names the external tests (package search_test, which builds indexes with
// package indexer) need from inside.
var (
	AnsiBold  = ansiBold
	AnsiReset = ansiReset
)

// HeavySlots returns the turns of ix's expensive searches.
func HeavySlots(ix *Index) chan struct{} { return ix.heavy }

// TiesByBleve makes ix have Bleve sort every search by score and id.
func TiesByBleve(ix *Index) { ix.tiesByBleve = true }
