package postmortem

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
)

// nameIDs gives each postmortem whose id came from its file or folder
// name, and is another's id too, one of its own, so that two reports
// named alike ("2021-05/payments.md" and "2022-01/payments.md", two
// Notion pages of one title) are two incidents, not an error in what no
// one wrote. A postmortem that states its id keeps it; else the earliest
// (by date, then path) keeps the name. Each other takes its date before
// the name ("2022-01-14-payments"), else its folder's name
// ("2022-01-payments"), else a number ("payments-2"): an id made from the
// file itself, so that a later report of that name changes no id already
// given (an earlier one takes the name's id from the one that had it). Each
// says so, in an info finding and in where its id came from (check -v),
// and `adopt` writes it. An id stated twice stays an error (duplicate-id).
func nameIDs(incs []*Incident) {
	used := map[string]bool{}
	byID := map[string][]*Incident{}
	for _, inc := range incs {
		if !inc.Broken {
			id := strings.ToLower(inc.ID)
			used[id] = true
			byID[id] = append(byID[id], inc)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		group := byID[id]
		if len(group) < 2 {
			continue
		}
		var named, stated []*Incident
		for _, inc := range group {
			if nameInference(inc) >= 0 {
				named = append(named, inc)
			} else {
				stated = append(stated, inc)
			}
		}
		if len(named) == 0 {
			continue
		}
		slices.SortFunc(named, earlier)
		keeper := named[0]
		if len(stated) > 0 {
			keeper = stated[0]
		} else {
			named = named[1:]
		}
		for _, inc := range named {
			renameID(inc, used, keeper.Source)
		}
	}
}

// nameInference is the index in inc.Inferred of the id's inference when
// its id came from its file or folder name, alone or with what renameID
// added ("file name and the date, as …"); -1 otherwise.
func nameInference(inc *Incident) int {
	return slices.IndexFunc(inc.Inferred, func(x Inference) bool {
		if x.Field != "id" {
			return false
		}
		for _, from := range [...]string{fromFileName, fromFolderName} {
			if rest, ok := strings.CutPrefix(x.From, from); ok && (rest == "" || strings.HasPrefix(rest, " and ")) {
				return true
			}
		}
		return false
	})
}

// fromFolderName is where an id read from a report's folder came from
// (Inference.From), as fromFileName is for one read from its file name.
const fromFolderName = "folder name"

// earlier orders incidents by date, those with none last, then by path.
func earlier(a, b *Incident) int {
	switch {
	case a.Date.IsZero() != b.Date.IsZero():
		if a.Date.IsZero() {
			return 1
		}
		return -1
	case !a.Date.Equal(b.Date):
		return a.Date.Compare(b.Date)
	}
	return strings.Compare(a.Source, b.Source)
}

// renameID gives inc, whose id from its name is also that of the
// postmortem at other, the first of its own ids (nameIDs) that no
// postmortem has, and says so.
func renameID(inc *Incident, used map[string]bool, other string) {
	x := nameInference(inc)
	base := inc.ID
	type choice struct{ id, how string }
	var choices []choice
	if !inc.Date.IsZero() {
		day := inc.Date.Format("2006-01-02")
		if inc.DatePrecision == DateMonth {
			day = inc.Date.Format("2006-01")
		}
		if !strings.HasPrefix(base, day) {
			choices = append(choices, choice{sanitizeID(day + "-" + base), "the date"})
		}
	}
	if dir := nameFolder(inc.Source, strings.HasPrefix(inc.Inferred[x].From, fromFolderName)); dir != "" {
		choices = append(choices, choice{sanitizeID(dir + "-" + base), "the folder's name"})
	}
	// A number after the name, which is cut short for it to fit in an
	// id's 100 bytes.
	short := base
	if len(short) > 88 {
		short = strings.TrimRight(short[:88], "-.")
	}
	for n := 2; ; n++ {
		choices = append(choices, choice{sanitizeID(short + "-" + strconv.Itoa(n)), "a number"})
		i := slices.IndexFunc(choices, func(c choice) bool { return !used[strings.ToLower(c.id)] })
		if i < 0 {
			continue
		}
		c := choices[i]
		used[strings.ToLower(c.id)] = true
		inc.ID = c.id
		from := inc.Inferred[x].From
		inc.Inferred[x].Value = c.id
		inc.Inferred[x].From = fmt.Sprintf("%s and %s, as %s has the same name", from, c.how, other)
		inc.add(inc.line("id"), LevelInfo, "duplicate-id", "the %s gives the id %q, which %s has too; this postmortem's id is %q, from %s (state `id:` in the front matter to choose another)", from, base, other, c.id, c.how)
		return
	}
}

// nameFolder is the name of the folder that holds what a postmortem's id
// was read from (the file, or its folder when folder is true), as a
// slug; "" at the top of the repository.
func nameFolder(source string, folder bool) string {
	dir := path.Dir(source)
	if folder {
		dir = path.Dir(dir)
	}
	if dir == "." || dir == "/" {
		return ""
	}
	return Slug(withoutNotionID(path.Base(dir)))
}

// NameID is the id inc's file or folder name gives it, before nameIDs
// made it one of its own; inc.ID when its id was stated.
func (inc *Incident) NameID() string {
	if nameInference(inc) < 0 {
		return inc.ID
	}
	return sanitizeID(idFromFileName(inc.Source))
}
